import { z } from 'zod';
import { Actor } from './access';
import { defineRpc } from './bus';
import { pageOf, PagingFields } from './pagination';
import { RecordId } from './registry';
import { ImportResult } from './sync';

/**
 * The record of an import (reverse sync): one for each `POST /indexes/sync-from-database` and for the
 * import that `import_indexes` queues when a database is created, kept by the sync-executor.
 */
export const ImportStatus = z.enum(['running', 'completed', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const ImportView = z.object({
  import_id: z.string(),
  database_id: z.string(),
  project_id: z.string().nullable(),
  /** request: `POST /indexes/sync-from-database`; database_created: `import_indexes` on `POST /databases`. */
  trigger: z.enum(['request', 'database_created']),
  requested_by: Actor.nullable(),
  status: ImportStatus,
  dry_run: z.boolean(),
  on_conflict: z.enum(['skip', 'overwrite']),
  collections: z.array(z.string()).optional(),
  /** What it did, once it ended well. */
  result: ImportResult.optional(),
  /** Why it failed as a whole (the target could not be reached, the database is gone). */
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ImportView = z.infer<typeof ImportView>;

/** `GET /indexes/import-status/by-database/:database_id?page=&limit=`. */
export const ImportHistoryQuery = z.strictObject({ page: PagingFields.page, limit: PagingFields.limit });

export const ImportRpc = {
  /** Needs `syncs:read` in the database's project: 404 for an import the caller cannot see. */
  status: defineRpc('sync.rpc.import.status', z.strictObject({ import_id: RecordId }), ImportView),
  /** A database's imports, newest first. */
  history: defineRpc(
    'sync.rpc.import.history',
    z.strictObject({
      database_id: RecordId,
      page: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    pageOf(ImportView),
  ),
};
