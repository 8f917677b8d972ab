/**
 * Where an entry is filed for the list's hot reads. FerretDB 1.24 sorts and limits in its own memory
 * after reading every document a filter matches, and pushes into SQL only top-level scalar
 * equalities (never `$in`, ranges or a sort). So every entry carries `bucket`, its project and UTC
 * hour (`<project>:2026-12-02T03`), and a page is read one bucket at a time by equality, newest hour
 * first, until it is full: a first page reads the entries of the newest hours only, whatever the
 * size of the trail. The hours that hold entries are found through `audit_days` (one small document
 * per project and UTC day), so a quiet week costs one read, not 168.
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
  return `${projectId ?? NO_PROJECT}:${hourOf(at)}`;
}

/** The `audit_days` id of the day of `at` in `projectId`. */
export function dayIdOf(projectId: string | null, at: Date): string {
  return `${projectId ?? NO_PROJECT}:${dayOf(at)}`;
}

/** The scope key of `audit_days` for a project (entries of no project have their own). */
export function scopeOf(projectId: string | null): string {
  return projectId ?? NO_PROJECT;
}

/** The hours of `day` from `newest` down to `oldest` (inclusive; `HH` strings), newest first. */
export function hoursOfDay(day: string, newest: string | undefined, oldest: string | undefined): string[] {
  const hours: string[] = [];
  for (let h = 23; h >= 0; h -= 1) {
    const hour = `${day}T${String(h).padStart(2, '0')}`;
    if ((newest === undefined || hour <= newest) && (oldest === undefined || hour >= oldest)) hours.push(hour);
  }
  return hours;
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
