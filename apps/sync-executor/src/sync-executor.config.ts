import { BackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import { TargetConfig, TargetSecretConfig } from '@ir/target-pool';
import { z } from 'zod';

export const SyncExecutorConfig = BackendConfig.extend(TargetConfig.shape)
  .extend(TargetSecretConfig.shape)
  .extend({
    /** Syncs one replica runs at once (the original product's variable). */
    JOB_CONCURRENCY: env.positiveInt(2),
    /**
     * Time limit of one index command of a sync (a createIndexes may build several indexes of one
     * collection). Index builds pass it to the driver as `timeoutMS`: the target pool's per-operation
     * limit (TARGET_OPERATION_TIMEOUT, 30 s) would cut a build short.
     */
    SYNC_OPERATION_TIMEOUT: env.duration('1h'),
    /** A running sync's lock expires this long after its executor last refreshed it (a third of it at most). */
    SYNC_LOCK_TTL: env.duration('2m'),
    /**
     * How long a queued (pending) sync holds its database's lock before another request may take it over
     * (when every executor is busy or down, the command waits in the queue).
     */
    SYNC_QUEUE_TTL: env.duration('1h'),
    /**
     * How long a sync of a protected database waits for a second person's approval, holding its
     * database's lock; after it, another sync may take the lock over and this one ends unapproved.
     */
    SYNC_APPROVAL_TTL: env.duration('24h'),
    /** Retries of a step after a transient error (network, failover), with exponential backoff from 500 ms. */
    SYNC_RETRY_ATTEMPTS: env.positiveInt(4),
  });
export type SyncExecutorConfig = z.output<typeof SyncExecutorConfig>;
