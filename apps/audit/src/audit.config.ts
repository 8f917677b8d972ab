import { BackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import type { z } from 'zod';

export const AuditConfig = BackendConfig.extend({
  /** Entries older than this many days are pruned; nothing else ever deletes one. */
  AUDIT_RETENTION_DAYS: env.positiveInt(365),
  /** How often the retention prune runs. */
  AUDIT_PRUNE_INTERVAL: env.duration('1h'),
});
export type AuditConfig = z.output<typeof AuditConfig>;
