import { z } from 'zod';
import { defineCommand, defineRpc } from './bus';
import { Streams } from './streams';

export const SyncStatus = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);

/** The registry asks before deleting a database: is a sync of it pending or running? */
export const SyncRpc = {
  activeForDatabase: defineRpc(
    'sync.rpc.database.active',
    z.strictObject({ database_id: z.string() }),
    z.object({ active: z.boolean(), sync_id: z.string().optional(), status: SyncStatus.optional() }),
  ),
};

export const ImportCommand = z.object({
  database_id: z.string(),
  collections: z.array(z.string()).optional(),
  on_conflict: z.enum(['skip', 'overwrite']),
  requested_at: z.string(),
});

/** Commands on the SYNC_COMMANDS work queue (consumed by the sync-executors). */
export const SyncCommands = {
  importIndexes: defineCommand('sync.cmd.database.import', Streams.syncCommands.name, ImportCommand),
};
