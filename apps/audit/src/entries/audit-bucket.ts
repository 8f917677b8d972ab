/**
 * Where an entry is filed for the list's hot reads. FerretDB 1.24 sorts and limits in its own memory
 * after reading every document a filter matches, and pushes into SQL only top-level scalar
 * equalities (never `$in`, ranges or a sort). So every entry carries `bucket`, its project and UTC
 * hour (`<project>:2026-12-02T03`), and a page is read one bucket at a time by equality, newest hour
 * first, until it is full: a first page reads the entries of the newest hours only, whatever the
 * size of the trail. The hours that hold entries are found through `audit_calendar` (a small
 * document per project and UTC day, and per hour of such a day), so a walk reads only hours that
 * hold entries: a quiet week costs no read, a day one read of its hours.
 */

/** The bucket key of entries of no project (logins, registrations). */
const NO_PROJECT = '-';

/** `2026-12-02T03`: the UTC hour of `at`. */
export function hourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** `2026-12-02`: the UTC day of `at`. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The bucket of an entry of `projectId` recorded at `at`. */
export function bucketOf(projectId: string | null, at: Date): string {
  return `${scopeOf(projectId)}:${hourOf(at)}`;
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
