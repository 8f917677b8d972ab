import { StatelessBackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import { TargetConfig, TargetSecretConfig } from '@ir/target-pool';
import type { z } from 'zod';

/**
 * The capture owns no database: its positions are saved by entity-oplog. It connects to source
 * databases as the comparator does to targets (TARGET_ALLOWED_HOSTS, the sealed URI opened with
 * TARGET_ENCRYPTION_KEY).
 */
export const EntityCaptureConfig = StatelessBackendConfig.extend(TargetConfig.shape)
  .extend(TargetSecretConfig.shape)
  .extend({
    /** How long a source that had nothing new waits before it asks again. */
    CAPTURE_POLL_INTERVAL: env.duration('500ms'),
    /** How often the entities (and so the sources to capture) are read again from entity-oplog. */
    CAPTURE_REFRESH_INTERVAL: env.duration('2s'),
    /** Source changes per read and documents per scan batch; one append carries at most 2000 oplog changes. */
    CAPTURE_BATCH_SIZE: env.positiveInt(500),
    /** Only oplog entries older than this are read (FerretDB makes concurrent writes visible out of order). */
    CAPTURE_SETTLE: env.duration('250ms'),
    /**
     * On a source read through FerretDB's oplog: delete the captured collections' entries once they
     * are in the entity oplog and behind the reader's look back. FerretDB reads its whole oplog for
     * every query and its embeddable package never trims it, so each poll costs more as it grows; but
     * this writes to the source, so it is for an oplog no one else reads (`make start` turns it on for
     * its embedded FerretDB). Off by default.
     */
    CAPTURE_TRIM_SOURCE_OPLOG: env.flag(false),
    /**
     * The capture lease: only its holder captures, the other replicas stand by. A holder that stops
     * renewing (killed, paused, cut off) is replaced once the TTL has passed; it renews every
     * CAPTURE_LEASE_RENEW, at most half the TTL (checked at start), so one failed renewal does not lose it.
     */
    CAPTURE_LEASE_TTL: env.duration('15s'),
    CAPTURE_LEASE_RENEW: env.duration('5s'),
  });
export type EntityCaptureConfig = z.output<typeof EntityCaptureConfig>;
