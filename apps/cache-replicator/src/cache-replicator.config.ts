import { StatelessBackendConfig } from '@ir/bootstrap';
import { READ_WAIT_MAX_MS } from '@ir/contracts';
import { env } from '@ir/platform';
import { z } from 'zod';

/**
 * A replica owns no shared database: its caches and offsets live in CACHE_DIR (one directory per
 * replica, never shared), and it reads the oplog from entity-oplog over the bus.
 */
export const CacheReplicatorConfig = StatelessBackendConfig.extend({
  /** `<CACHE_DIR>/meta.sqlite` (offsets) and `<CACHE_DIR>/dbs/<entity>/db.sqlite` (the caches). */
  CACHE_DIR: z.string().min(1).default('.data/caches/replica-1'),
  /** The replica's name in replication statistics; the host name and the CACHE_DIR's when unset. */
  REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'expected 1-128 letters, digits, ".", "_", ":" or "-"' })
    .optional(),
  /** Oplog entries per read (at most 5000). */
  REPLICATE_BATCH_SIZE: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(5000).default(1000),
  /**
   * How long a caught-up replica's read waits in entity-oplog for the next write to the oplog (woken by
   * PostgreSQL's NOTIFY at its commit), so new entries are applied at once rather than on the next poll.
   */
  REPLICATE_WAIT: env.duration('1s').pipe(z.number().max(READ_WAIT_MAX_MS, { error: `expected at most ${READ_WAIT_MAX_MS} ms` })),
  /** The least time between two reads that found nothing (the poll when waiting is off or cut short). */
  REPLICATE_POLL_INTERVAL: env.duration('250ms'),
  /** How often the replica reports its progress to entity-oplog (replication statistics). */
  REPLICATE_REPORT_INTERVAL: env.duration('2s'),
});
export type CacheReplicatorConfig = z.output<typeof CacheReplicatorConfig>;
