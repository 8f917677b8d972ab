import { ID_INDEX_NAME, isIdIndexKey } from './naming';
import { validateKeys } from './validation-keys';
import { validateOptions } from './validation-options';
import type { RuleContext } from './rule-version';
import type { IndexDefinition, IndexIssue } from './types';

/**
 * Index names: MongoDB 4.2+ no longer limits their length (the old limit was
 * the 127-byte namespace); 127 UTF-8 bytes is this product's cap, so that names
 * stay readable in plans and scripts and fit older tooling.
 */
export const MAX_INDEX_NAME_BYTES = 127;

/**
 * Every createIndexes rule that can be checked on one definition, each failure with its field and rule
 * id, by the rules of the target's MongoDB version (`context`; the newest rules when it is unknown).
 */
export function validateDefinition(def: IndexDefinition, context?: RuleContext): IndexIssue[] {
  const issues: IndexIssue[] = [];
  const add = (field: string, rule: string, message: string): void => {
    issues.push({ field, rule, message });
  };
  const keys = validateKeys(def.keys, issues, context);
  validateName(def, keys.length === (Array.isArray(def.keys) ? def.keys.length : -1) && isIdIndexKey(keys), add);
  validateOptions(keys, def.options ?? {}, add, context);
  return issues;
}

function validateName(def: IndexDefinition, idIndex: boolean, add: (field: string, rule: string, message: string) => void): void {
  const name: unknown = def.name;
  if (name === undefined) return;
  if (typeof name !== 'string' || name.length === 0) {
    add('name', 'name_format', 'name must be a non-empty string');
    return;
  }
  // `*` means "all indexes" to dropIndexes, so the server refuses it as a name; NUL cannot be stored.
  if (name === '*') add('name', 'name_format', 'the name "*" is reserved');
  if (name.includes('\0')) add('name', 'name_format', 'name must not contain a NUL character');
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_INDEX_NAME_BYTES) add('name', 'name_length', `name is ${bytes} bytes long; the limit is ${MAX_INDEX_NAME_BYTES}`);
  if (idIndex && name !== ID_INDEX_NAME) add('name', 'id_index_name', `the _id index is always named "${ID_INDEX_NAME}"`);
  if (!idIndex && name === ID_INDEX_NAME) add('name', 'id_index_name', `"${ID_INDEX_NAME}" is reserved for the key { _id: 1 }`);
}
