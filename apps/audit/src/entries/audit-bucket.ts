/**
 * Where an entry is filed for the list's hot reads. FerretDB 1.24 sorts and limits in its own memory
 * after reading every document a filter matches, and pushes into SQL only top-level scalar
 * equalities (never `$in`, ranges or a sort). So every entry carries `bucket`, its project and UTC
 * minute (`<project>:2026-12-02T03:04`), and a page is read one bucket at a time by equality, newest
 * first, until it is full: a page reads a few minutes' entries, whatever the size of the trail (an
 * hour's were 360 entries of one project at one entry a second, 55 ms of FerretDB's filtering).
 * The minutes that hold entries are found through `audit_calendar`, a tree of the days, hours and
 * minutes of each project that hold entries, read one level at a time: a walk never reads an empty
 * minute, and a quiet week costs nothing.
 *
 * A caller in several projects (or a system administrator, in all of them) reads the merged lane:
 * every entry also carries `minute` (`2026-12-02T03:04`, no project), and the calendar holds the
 * days, hours and minutes of every project's entries under the scope `*`, so one walk and one read a
 * minute serve every project at once (the reach is filtered by FerretDB within the minute).
 */

/** The bucket key of entries of no project (logins, registrations). */
const NO_PROJECT = '-';
/** The calendar scope of every entry, whatever its project: what the merged lane walks. */
export const EVERY_PROJECT = '*';

/**
 * The calendar's levels, as lengths of an ISO 8601 UTC time: the day (`2026-12-02`), the hour
 * (`2026-12-02T03`) and the minute (`2026-12-02T03:04`), a bucket's time.
 */
export const CALENDAR_LEVELS = [10, 13, 16] as const;

/** `at` at one of the calendar's levels (`2026-12-02T03` for the hour). */
export function timeAt(at: Date, level: number): string {
  return at.toISOString().slice(0, CALENDAR_LEVELS[level]);
}

/** `2026-12-02`: the UTC day of `at`. */
export function dayOf(at: Date): string {
  return timeAt(at, 0);
}

/** The bucket of an entry of `projectId` recorded at `at`. */
export function bucketOf(projectId: string | null, at: Date): string {
  return `${scopeOf(projectId)}:${timeAt(at, CALENDAR_LEVELS.length - 1)}`;
}

/** `2026-12-02T03:04`: the UTC minute of `at`, the merged lane's key. */
export function minuteOf(at: Date): string {
  return timeAt(at, CALENDAR_LEVELS.length - 1);
}

/** `2026-12-02T03:04:05`: the UTC second of `at`, what a split minute is read by. */
export function secondOf(at: Date): string {
  return at.toISOString().slice(0, SECOND_LENGTH);
}

/** The length of a second's name (`2026-12-02T03:04:05`), one level below the calendar's minutes. */
export const SECOND_LENGTH = 19;

/** What follows a split minute's name, and its hour's as the parent of its hour's split marks. */
const SPLIT_MARK = '/s';

/** `2026-12-02T03:04/s`: the calendar's mark that minute `minute` is read one second at a time. */
export function splitMarkOf(minute: string): string {
  return `${minute}${SPLIT_MARK}`;
}

/**
 * `2026-12-02T03/s`: the parent of the split marks of the minutes of `hour`, apart from its minutes,
 * which a walk of the version before takes every child of an hour for.
 */
export function splitParentOf(hour: string): string {
  return `${hour}${SPLIT_MARK}`;
}

/** The split minutes of an hour, from the children of its splitParentOf. */
export function splitMinutesOf(marks: readonly string[]): Set<string> {
  return new Set(marks.map((mark) => mark.slice(0, -SPLIT_MARK.length)));
}

/** When calendar time `name` (a day, hour or minute) starts. */
export function startOf(name: string): Date {
  return new Date(`${name}${'0000-01-01T00:00:00.000Z'.slice(name.length)}`);
}

/** When calendar time `name` (a day, hour or minute) ends: the start of the next one. */
export function endOf(name: string): Date {
  const level = CALENDAR_LEVELS.indexOf(name.length as (typeof CALENDAR_LEVELS)[number]);
  return new Date(startOf(name).getTime() + [DAY_MS, HOUR_MS, MINUTE_MS][level]);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Whether calendar time `name` (a day, hour or minute) may hold entries from `oldest` to `newest`. */
export function overlaps(name: string, newest: Date | undefined, oldest: Date | undefined): boolean {
  return (
    (newest === undefined || name <= newest.toISOString().slice(0, name.length)) &&
    (oldest === undefined || name >= oldest.toISOString().slice(0, name.length))
  );
}

/** What an entry of `projectId` is filed under in its bucket and the calendar (entries of no project have their own). */
export function scopeOf(projectId: string | null): string {
  return projectId ?? NO_PROJECT;
}

/** The position of an entry in the list (newest first, ties by id): what `next_after` carries. */
export interface AuditCursor {
  readonly at: Date;
  readonly id: string;
}

/** `2026-12-02T03:04:05.678Z~<entry id>`: readable, and ordered by its `at` part. */
export function encodeCursor(cursor: AuditCursor): string {
  return `${cursor.at.toISOString()}~${cursor.id}`;
}

export function decodeCursor(text: string): AuditCursor {
  const [at, id] = text.split('~');
  return { at: new Date(at), id };
}

/** Seconds of a split minute read at once at most (readNewestFirst): a few small reads in flight, not a minute's worth. */
const SECONDS_AT_ONCE = 4;

/**
 * Reads `times` (a minute, or a split minute's seconds, newest first) into `found` until it holds
 * `want`, each read for the page's rest: one first, then as many at once as the entries per time
 * read so far say the rest needs (at most SECONDS_AT_ONCE), so a dense second is read alone and a
 * sparse split minute costs a few rounds of small reads. Results are in order as the times are.
 */
export async function readNewestFirst<T>(
  times: readonly string[],
  found: T[],
  want: number,
  read: (time: string, limit: number) => Promise<T[]>,
): Promise<void> {
  let [next, atOnce, perTime] = [0, 1, 0];
  while (next < times.length && found.length < want) {
    const [batch, limit, before] = [times.slice(next, next + atOnce), want - found.length, found.length];
    for (const docs of await Promise.all(batch.map((time) => read(time, limit)))) found.push(...docs);
    [next, perTime] = [next + batch.length, (found.length - before) / batch.length];
    atOnce = Math.min(SECONDS_AT_ONCE, Math.ceil((want - found.length) / Math.max(perTime, 1)));
  }
}
