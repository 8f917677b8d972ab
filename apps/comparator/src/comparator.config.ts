import { BackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import { TargetConfig, TargetSecretConfig } from '@ir/target-pool';
import { z } from 'zod';

export const ComparatorConfig = BackendConfig.extend(TargetConfig.shape)
  .extend(TargetSecretConfig.shape)
  .extend({
    /** Collections of one target read at once. */
    COMPARE_CONCURRENCY: env.positiveInt(8),
    /**
     * Collections whose last comparison is kept, to be reused while their indexes and definitions are
     * unchanged (about 3.5 KB each for 5 indexes; a compare asked for drops the least recently
     * compared first, a scheduled one only takes free or stale room, so that a scan of more
     * collections reuses those that fit). Only collections of databases whose definitions are kept
     * (COMPARE_CACHED_DEFINITIONS) are reused. The two defaults hold 250 databases of 20 collections
     * and 100 definitions, about 40 MB: twice that was the largest part of the comparator's live heap
     * in a scan of 1,000 databases, whose resident memory must stay under 300 MB (issue 14).
     */
    COMPARE_MEMO_COLLECTIONS: env.positiveInt(5_000),
    /**
     * DR definitions kept resolved, per database and definitions version, so that a compare of an
     * unchanged database asks the registry only for its version (about 0.86 KB each; kept as
     * COMPARE_MEMO_COLLECTIONS is). Below the fleet's definitions, a scan reads again the definitions
     * of the databases that do not fit.
     */
    COMPARE_CACHED_DEFINITIONS: env.positiveInt(25_000),
    /** A redundant index unused for this many days is flagged as a safe drop candidate. */
    UNUSED_INDEX_DAYS: env.positiveInt(30),
    /** How often each database is compared on schedule (each scan is jittered by up to 10%). */
    DRIFT_SCAN_INTERVAL: env.duration('10m'),
    /** Wait after a registry change before re-comparing, so a burst of changes costs one compare. */
    DRIFT_CHANGE_DEBOUNCE: env.duration('5s'),
    /**
     * Longest scheduled compare: one not ended by then fails (a TIMEOUT warning) and frees its
     * database, whatever it still waits on. Its claim lasts a minute longer, so that no other replica
     * compares the database while it runs. Well above the target's and the bus's own time limits
     * (30 s an operation), which a compare that only waits on them stays under.
     */
    DRIFT_SCAN_LIMIT: env.duration('4m'),
    /** How often a replica looks for scans that are due. */
    DRIFT_SCAN_POLL: env.duration('2s'),
    /**
     * Scheduled compares one replica runs at once. A compare mostly waits (on the registry, the
     * target, the store), so two at once keep a replica busy; more take the cores from the API's
     * own requests (syncs) on a small machine. Each reads up to COMPARE_CONCURRENCY collections of
     * its target at once.
     */
    DRIFT_SCAN_CONCURRENCY: env.positiveInt(2),
    /**
     * Scheduled compares pause while foreground work runs: a sync (heard of through its events) or a
     * compare, plan or script asked of this replica. On a small machine they otherwise share the
     * cores, the registry and each target's connections with it, and a sync took up to 8x as long.
     */
    DRIFT_SCAN_YIELD: env.flag(true),
    /**
     * Longest pause of the scheduled compares; then they run for twice as long before pausing again,
     * so constant syncs still leave scans two thirds of the time. A running sync not heard of for this
     * long (its end event lost) is forgotten.
     */
    DRIFT_SCAN_YIELD_MAX: env.duration('10s'),
  })
  // More reads at once than the target's client has connections would only queue for a connection.
  .refine((config) => config.COMPARE_CONCURRENCY <= config.TARGET_POOL_CONNECTIONS, {
    error: 'must not exceed TARGET_POOL_CONNECTIONS (the connections each target may use)',
    path: ['COMPARE_CONCURRENCY'],
  });
export type ComparatorConfig = z.output<typeof ComparatorConfig>;
