import type { AuditEntry, IndexDefinitionView, ManifestApplyResult } from '@ir/contracts';
import type { DatabaseDocument } from '../databases/database.model';

type State = Record<string, unknown>;
type Changes = NonNullable<AuditEntry['changes']>;

/**
 * What the trail keeps of a database: its names, description and protection, and never its
 * connection (not even redacted: a redacted URI still names hosts and users).
 */
export function databaseState(doc: Pick<DatabaseDocument, 'name' | 'description' | 'db_name' | 'protected'>): State {
  return { name: doc.name, description: doc.description ?? '', db_name: doc.db_name, protected: doc.protected ?? false };
}

/** The fields of `after` that differ from `before`, by name (a change of the connection is only named, by the caller). */
export function changedFields(before: State, after: State): string[] {
  return Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/**
 * How much of a manifest's changes one entry carries. An entry is one NATS message (1 MiB at most by
 * default) and one document of the audit store; a manifest may change thousands of definitions. 50
 * definitions before and after cover the change of a usual pull request in full, and 128 KiB keeps an
 * entry of definitions with large options (partial filters, weights) far below the message limit.
 * What is left out is counted in `details.definitions_omitted`; the counts are always complete.
 */
export const MANIFEST_AUDIT_CAP = { definitions: 50, bytes: 128 * 1024 } as const;

/** One changed definition of a manifest: its state before (null when created) and after (null when deleted). */
export interface DefinitionChange {
  readonly before: IndexDefinitionView | null;
  readonly after: IndexDefinitionView | null;
}

/**
 * The entry of an applied manifest: counts of what it created, updated, deleted and left unchanged,
 * and the changed definitions before and after, keyed by id, up to `cap` (deletes, then updates, then
 * creates).
 */
export function manifestChanges(
  result: Pick<ManifestApplyResult, 'created' | 'updated' | 'deleted' | 'unchanged'>,
  changed: readonly DefinitionChange[],
  cap: { definitions: number; bytes: number } = MANIFEST_AUDIT_CAP,
): { changes: Changes; details: State } {
  const before: Record<string, IndexDefinitionView> = {};
  const after: Record<string, IndexDefinitionView> = {};
  let recorded = 0;
  let bytes = 0;
  for (const change of changed) {
    const size = JSON.stringify(change).length;
    if (recorded >= cap.definitions || bytes + size > cap.bytes) break;
    const id = (change.after ?? change.before)!.id;
    if (change.before) before[id] = change.before;
    if (change.after) after[id] = change.after;
    recorded += 1;
    bytes += size;
  }
  return {
    changes: { before, after },
    details: {
      created: result.created.length,
      updated: result.updated.length,
      deleted: result.deleted.length,
      unchanged: result.unchanged.length,
      definitions_recorded: recorded,
      definitions_omitted: changed.length - recorded,
    },
  };
}
