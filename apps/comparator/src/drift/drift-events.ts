import {
  actorOf,
  type CollectionComparison,
  type CompareResult,
  type DriftChange,
  type DriftDetected,
  type DriftResolved,
} from '@ir/contracts';
import { currentPrincipal } from '@ir/messaging';

/** Every index that is not matched, in a stable order: what a drift event reports and fingerprints. */
export function changesOf(collections: readonly CollectionComparison[]): DriftChange[] {
  return collections
    .filter((c) => c.status === 'ok')
    .flatMap((c) => [
      ...c.missing.map((i) => ({ collection: c.collection, index: i.name, change: 'missing' as const })),
      ...c.redundant.map((i) => ({ collection: c.collection, index: i.name, change: 'redundant' as const })),
      ...c.different.map((i) => ({ collection: c.collection, index: i.desired.name, change: 'different' as const })),
    ]);
}

/** Which event a recorded compare calls for, given the state stored before it. */
export type Announcement = 'detected' | 'resolved' | undefined;

const changeKey = (c: DriftChange): string => `${c.change}\u0000${c.collection}\u0000${c.index}`;

/**
 * Compared with what the last event said (`announced_changes`), not with the last stored state: a
 * compare that could not read some collections stores fewer changes (drift unknown there), and the
 * next full compare must not announce again a drift the last event already reported. So a compare
 * with unread collections announces only a change the last event did not report, and never an
 * all-clear. Before events were kept with the state (`announced` unknown), the stored state decides.
 */
export function announcementOf(
  previous: { drift: boolean; fingerprint: string; announced_changes?: DriftChange[] } | null,
  next: { drift: boolean; fingerprint: string },
  changes: readonly DriftChange[],
  failedCollections: number,
  fingerprintOf: (changes: readonly DriftChange[]) => string,
): Announcement {
  const announced = announcedBefore(previous);
  if (failedCollections > 0) {
    if (!next.drift) return undefined;
    if (announced === undefined) return next.fingerprint !== previous?.fingerprint ? 'detected' : undefined;
    const reported = new Set(announced.map(changeKey));
    return changes.some((c) => !reported.has(changeKey(c))) ? 'detected' : undefined;
  }
  const lastDrift =
    announced === undefined
      ? { drift: previous?.drift ?? false, fingerprint: previous?.fingerprint }
      : { drift: announced.length > 0, fingerprint: fingerprintOf(announced) };
  if (next.drift && next.fingerprint !== lastDrift.fingerprint) return 'detected';
  if (!next.drift && lastDrift.drift) return 'resolved';
  return undefined;
}

/**
 * The changes as the database's last drift event reported them, after this compare: its own when it
 * announces, else the ones before it. Undefined when they are not known (a state stored before
 * they were kept, with drift).
 */
export function announcedAfter(
  announcement: Announcement,
  changes: DriftChange[],
  previous: { drift: boolean; announced_changes?: DriftChange[] } | null,
): DriftChange[] | undefined {
  if (announcement === 'detected') return changes;
  if (announcement === 'resolved') return [];
  return announcedBefore(previous);
}

/** What the last event said: nothing before the first one, nor after a state without drift stored before they were kept. */
function announcedBefore(previous: { drift: boolean; announced_changes?: DriftChange[] } | null): DriftChange[] | undefined {
  if (!previous) return [];
  return previous.announced_changes ?? (previous.drift ? undefined : []);
}

/** The indexes that became drift since the previous event, and those that stopped being drift. */
export function sincePrevious(
  before: readonly DriftChange[],
  after: readonly DriftChange[],
): { appeared: DriftChange[]; resolved: DriftChange[] } {
  const keyOf = (c: DriftChange) => `${c.collection}\u0000${c.index}\u0000${c.change}`;
  const had = new Set(before.map(keyOf));
  const has = new Set(after.map(keyOf));
  return { appeared: after.filter((c) => !had.has(keyOf(c))), resolved: before.filter((c) => !has.has(keyOf(c))) };
}

/** The fields both drift events carry: the database as registered, whose compare it was, and what changed since the last event. */
export function eventBase(
  result: CompareResult,
  previous: { drift: boolean; announced_changes?: DriftChange[] } | null,
  changes: readonly DriftChange[],
): DriftResolved {
  const before = announcedBefore(previous);
  const principal = currentPrincipal();
  return {
    database_id: result.database_id,
    project_id: result.project_id ?? null,
    ...(result.database_name !== undefined ? { database_name: result.database_name } : {}),
    db_name: result.db_name,
    compared_at: result.compared_at,
    // The caller the work acts for: a person's or key's compare, or the comparator's own scans.
    ...(principal ? { actor: actorOf(principal) } : {}),
    ...(before ? { since_previous: sincePrevious(before, changes) } : {}),
  };
}

export function detectedEvent(
  result: CompareResult,
  previous: { drift: boolean; announced_changes?: DriftChange[] } | null,
  changes: DriftChange[],
  fingerprint: string,
): DriftDetected {
  return { ...eventBase(result, previous, changes), totals: result.totals, changes, fingerprint };
}
