import { Durables } from '@ir/contracts';
import type { SyncExecutorConfig } from '../sync-executor.config';

/** What the sync feature reads of the service's configuration, in milliseconds. */
export interface SyncSettings {
  /** Syncs run at once by one replica. */
  readonly concurrency: number;
  /** `timeoutMS` of one index operation. */
  readonly operationTimeoutMs: number;
  /** A running sync's lock lives this long after each refresh. */
  readonly lockTtlMs: number;
  /** A pending sync's lock lives this long after the request. */
  readonly queueTtlMs: number;
  /** A sync awaiting approval holds its database's lock this long; then another sync may take the lock over. */
  readonly approvalTtlMs: number;
  /** Retries of a step after a transient error. */
  readonly retryAttempts: number;
  /** First backoff delay; doubles with each retry. */
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Bus time limit of asking the comparator for the plan. */
  readonly planTimeoutMs: number;
}

export const SYNC_SETTINGS = Symbol('SYNC_SETTINGS');

/** The durable consumer that every executor replica shares. */
export const RUN_CONSUMER = Durables.syncExecutor.runs.name;
/** Deliveries of one run command before it is given up (dead-lettered). */
export const RUN_MAX_DELIVER = 5;
export const RUN_ACK_WAIT_MS = 30_000;

export function syncSettingsFrom(config: SyncExecutorConfig): SyncSettings {
  return {
    concurrency: config.JOB_CONCURRENCY,
    operationTimeoutMs: config.SYNC_OPERATION_TIMEOUT,
    lockTtlMs: config.SYNC_LOCK_TTL,
    queueTtlMs: config.SYNC_QUEUE_TTL,
    approvalTtlMs: config.SYNC_APPROVAL_TTL,
    retryAttempts: config.SYNC_RETRY_ATTEMPTS,
    retryInitialDelayMs: 500,
    retryMaxDelayMs: 30_000,
    planTimeoutMs: 60_000,
  };
}
