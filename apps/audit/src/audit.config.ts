import { BackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import type { z } from 'zod';

export const AuditConfig = BackendConfig.extend({
  /** Entries older than this many days are pruned; nothing else ever deletes one. */
  AUDIT_RETENTION_DAYS: env.positiveInt(365),
  /** How often the retention prune runs. */
  AUDIT_PRUNE_INTERVAL: env.duration('1h'),
  /**
   * How often entries stored without a bucket (by an older replica during a rolling upgrade) are
   * filed, so keyset pages show them: each sweep reads the whole trail on FerretDB.
   */
  AUDIT_BUCKET_SWEEP_INTERVAL: env.duration('5m'),
});
export type AuditConfig = z.output<typeof AuditConfig>;
