import { DomainError, ErrorCode, namespaceIssue, type FieldIssue } from '@ir/contracts';
import {
  canonicalFromDefinition,
  indexNameOf,
  keySignature,
  validateCollectionDefinitions,
  validateDefinition,
  type IndexDefinition,
  type RuleContext,
} from '@ir/index-core';

/** A definition with its resolved name and identity, ready to store. */
export interface ResolvedDefinition {
  readonly definition: IndexDefinition & { name: string };
  readonly nameGenerated: boolean;
  readonly keySignature: string;
}

/**
 * Validates a definition by MongoDB's rules (those of the target's version, `context`: a definition that
 * needs a newer server says so with `requires_version`) and resolves its name and key signature.
 */
export function resolveDefinition(definition: IndexDefinition, fieldPrefix = '', context?: RuleContext): ResolvedDefinition {
  const issues = validateDefinition(definition, context);
  if (issues.length > 0) throw invalidDefinition(issues.map((i) => ({ ...i, field: `${fieldPrefix}${i.field}` })));
  const name = indexNameOf(definition);
  const named = { ...definition, name };
  return { definition: named, nameGenerated: definition.name === undefined, keySignature: signatureOf(named) };
}

/** A definition's identity within its collection by the core's current rules (what `key_signature` stores). */
export function signatureOf(definition: IndexDefinition): string {
  return keySignature(canonicalFromDefinition(definition));
}

/**
 * Rules across one collection's definitions (one text index, at most 64 indexes, ...).
 * `fieldOf(i)` is the path prefix of definition i in the request ('' for the request body itself).
 */
export function assertCollectionRules(definitions: readonly IndexDefinition[], fieldOf: (i: number) => string): void {
  const issues = validateCollectionDefinitions(definitions).map((issue) => ({
    ...issue,
    field: issue.field
      .replace(/^\[(\d+)\]\.?/, (_m, i: string) => {
        const prefix = fieldOf(Number(i));
        return prefix ? `${prefix}.` : '';
      })
      .replace(/\.$/, ''),
  }));
  if (issues.length > 0) throw invalidDefinition(issues);
}

export function invalidDefinition(issues: FieldIssue[]): DomainError {
  return new DomainError(
    ErrorCode.validation,
    `invalid index definition: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
}

/** The collection's namespace in the target database, `<db_name>.<collection>`, within MongoDB's limit. */
export function assertNamespaceFits(dbName: string, collection: string, field: string): void {
  const issue = namespaceIssue(dbName, collection, field);
  if (issue) throw invalidDefinition([issue]);
}
