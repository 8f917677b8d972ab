import { DomainError, ErrorCode, manifestEntityTag, type FieldIssue, type Manifest, type ManifestApplyResult } from '@ir/contracts';
import type { DatabaseDocument } from '../databases/database.model';

/** How many definitions a refusal names in its message; `details.would_delete` lists them all. */
const NAMED_IN_MESSAGE = 10;

/** The version of a database's definitions, the manifest's entity tag (a database stored before it had one is at 0). */
export function definitionsVersionOf(database: Pick<DatabaseDocument, 'definitions_version'>): number {
  return database.definitions_version ?? 0;
}

/**
 * If-Match (RFC 9110 §13.1.1): `*` holds for any existing database; a list of tags holds when one of
 * them is the current version. 412 otherwise, with the current version, so that CI can say what to fetch.
 */
export function assertIfMatch(ifMatch: '*' | readonly string[] | undefined, current: number): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(String(current))) return;
  throw staleManifest(current);
}

export function staleManifest(current: number): DomainError {
  return new DomainError(
    ErrorCode.preconditionFailed,
    `the definitions changed since the manifest was read: they are at version ${manifestEntityTag(current)} now; GET the manifest again, merge, and PUT it with that ETag`,
    undefined,
    { current_version: current, etag: manifestEntityTag(current) },
  );
}

/** A manifest that names a database names this one: its db_name, and its registered name and id where given. */
export function assertManifestIsFor(block: Manifest['database'], database: Pick<DatabaseDocument, '_id' | 'name' | 'db_name'>): void {
  if (!block) return;
  const issues: FieldIssue[] = [];
  const differs = (field: string, manifest: string, target: string) =>
    issues.push({ field: `database.${field}`, rule: 'database_mismatch', message: `is "${manifest}"; this database's is "${target}"` });
  if (block.db_name !== database.db_name) differs('db_name', block.db_name, database.db_name);
  // Registered names are unique per project whatever their case, as the registry compares them.
  if (block.name !== undefined && block.name.toLowerCase() !== database.name.toLowerCase()) differs('name', block.name, database.name);
  if (block.id !== undefined && block.id !== database._id.toHexString()) differs('id', block.id, database._id.toHexString());
  if (issues.length === 0) return;
  const summary = issues.map((i) => `${i.field} ${i.message}`).join('; ');
  throw new DomainError(ErrorCode.conflict, `the manifest is for another database (${summary}); nothing was changed`, issues);
}

/** Deleting definitions is opt-in (`allow_deletions=true`, as `kubectl apply --prune`): 409 listing them otherwise. */
export function assertDeletionsAllowed(deleted: ManifestApplyResult['deleted'], allowDeletions: boolean): void {
  if (allowDeletions || deleted.length === 0) return;
  const named = deleted.slice(0, NAMED_IN_MESSAGE).map((d) => `${d.collection}.${d.name}`);
  const more = deleted.length > NAMED_IN_MESSAGE ? ` and ${deleted.length - NAMED_IN_MESSAGE} more` : '';
  throw new DomainError(
    ErrorCode.conflict,
    `the manifest would delete ${deleted.length} definition(s) (${named.join(', ')}${more}); send allow_deletions=true to delete them; nothing was changed`,
    undefined,
    { would_delete: deleted },
  );
}
