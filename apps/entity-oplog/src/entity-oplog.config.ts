import { PostgresBackendConfig } from '@ir/bootstrap';
import type { z } from 'zod';

/** The oplog manager owns one PostgreSQL schema, `<MONGODB_DB_PREFIX>_entity_oplog`. */
export const EntityOplogConfig = PostgresBackendConfig;
export type EntityOplogConfig = z.output<typeof EntityOplogConfig>;
