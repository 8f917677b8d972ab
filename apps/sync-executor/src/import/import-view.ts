import type { ImportView } from '@ir/contracts';
import type { ImportDocument } from './import.model';

export function toImportView(doc: ImportDocument): ImportView {
  return {
    import_id: doc._id.toHexString(),
    database_id: doc.database_id,
    project_id: doc.project_id,
    trigger: doc.trigger,
    requested_by: doc.requested_by,
    status: doc.status,
    dry_run: doc.dry_run,
    on_conflict: doc.on_conflict,
    ...(doc.collections ? { collections: doc.collections } : {}),
    ...(doc.result ? { result: doc.result } : {}),
    error: doc.error,
    created_at: doc.created_at.toISOString(),
    finished_at: doc.finished_at?.toISOString() ?? null,
  };
}
