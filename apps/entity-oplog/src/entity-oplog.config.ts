import { PostgresBackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import type { z } from 'zod';

/** The oplog manager owns one PostgreSQL schema, `<MONGODB_DB_PREFIX>_entity_oplog`. */
export const EntityOplogConfig = PostgresBackendConfig.extend({
  /** How often the entries of deleted entities and orphaned staging rows are deleted (in batches). */
  OPLOG_CLEANUP_INTERVAL: env.duration('15m'),
});
export type EntityOplogConfig = z.output<typeof EntityOplogConfig>;
