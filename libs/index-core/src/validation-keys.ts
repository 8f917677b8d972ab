import type { RuleContext } from './rule-version';
import { isWildcardField, keyKind, type KeyKind } from './key-kinds';
import { isRecord } from './records';
import type { IndexIssue, KeyEntry } from './types';

/** MongoDB's limit on fields in a compound key. */
export const MAX_COMPOUND_FIELDS = 32;

const KEY_VALUES: readonly unknown[] = [1, -1, 'text', '2dsphere', '2d', 'hashed'];

/** Key rules; returns the entries that are well formed enough for the option rules to use. */
// `context`: the target's version, for the rules that differ between versions (see rule-version.ts).
export function validateKeys(keys: unknown, issues: IndexIssue[], _context?: RuleContext): KeyEntry[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    issues.push({ field: 'keys', rule: 'empty_keys', message: 'keys must list at least one field' });
    return [];
  }
  if (keys.length > MAX_COMPOUND_FIELDS) {
    issues.push({
      field: 'keys',
      rule: 'max_compound_fields',
      message: `a key has at most ${MAX_COMPOUND_FIELDS} fields; this one has ${keys.length}`,
    });
  }
  const valid: KeyEntry[] = [];
  const seen = new Map<string, number>();
  keys.forEach((raw: unknown, i: number) => {
    const entry = isRecord(raw) ? raw : {};
    const field = entry.field;
    const value = entry.value;
    const fieldProblem = typeof field === 'string' ? fieldNameProblem(field) : 'must be a string';
    if (fieldProblem) issues.push({ field: `keys.${i}.field`, rule: 'field_name', message: `field name ${fieldProblem}` });
    if (!KEY_VALUES.includes(value)) {
      issues.push({
        field: `keys.${i}.value`,
        rule: 'key_value',
        message: `key value ${JSON.stringify(value)} is not one of 1, -1, "text", "2dsphere", "2d", "hashed"`,
      });
    } else if (
      typeof field === 'string' &&
      isWildcardField(field) &&
      value !== 1 &&
      value !== -1 &&
      !(field === '$**' && value === 'text')
    ) {
      issues.push({ field: `keys.${i}.value`, rule: 'key_value', message: `a wildcard key takes 1 or -1, not ${JSON.stringify(value)}` });
    }
    if (typeof field === 'string') {
      const first = seen.get(field);
      if (first !== undefined) {
        issues.push({ field: `keys.${i}.field`, rule: 'duplicate_field', message: `field "${field}" already appears at keys.${first}` });
      } else {
        seen.set(field, i);
      }
    }
    if (!fieldProblem && KEY_VALUES.includes(value)) valid.push({ field: field as string, value: value as KeyEntry['value'] });
  });
  validateKinds(valid, keys as readonly unknown[], issues);
  return valid;
}

/** Field names as MongoDB's key pattern validation reads them (one-line reason, or undefined when fine). */
function fieldNameProblem(field: string): string | undefined {
  if (field.length === 0) return 'must not be empty';
  if (field.includes('\0')) return 'must not contain a NUL character';
  const segments = field.split('.');
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    if (segment.length === 0) return `"${field}" has an empty path segment`;
    if (segment === '$**') {
      if (i !== segments.length - 1) return `"${field}": $** may only end a path`;
      continue;
    }
    if (segment.startsWith('$')) return `"${field}" has a segment starting with "$" (only "$**" may)`;
  }
  return undefined;
}

function validateKinds(keys: readonly KeyEntry[], raw: readonly unknown[], issues: IndexIssue[]): void {
  const position = (entry: KeyEntry): number => raw.findIndex((item) => isRecord(item) && item.field === entry.field);
  // MongoDB builds each index with one access method: text, 2dsphere, 2d, hashed or wildcard, never two.
  const kinds = new Set<KeyKind>(keys.map(keyKind).filter((kind) => kind !== 'ordinary'));
  if (kinds.size > 1) {
    issues.push({
      field: 'keys',
      rule: 'mixed_index_types',
      message: `a key may use one special index type; this one mixes ${[...kinds].join(', ')}`,
    });
  }
  // Compound hashed keys (one hashed field plus ordinary fields) exist since 4.4; two hashed fields never.
  keys
    .filter((entry) => entry.value === 'hashed')
    .slice(1)
    .forEach((entry) =>
      issues.push({ field: `keys.${position(entry)}.value`, rule: 'one_hashed_field', message: 'a key may have only one hashed field' }),
    );
  // Compound wildcard keys (one wildcard field plus ordinary fields) exist since 7.0; two wildcard fields never.
  keys
    .filter((entry) => keyKind(entry) === 'wildcard')
    .slice(1)
    .forEach((entry) =>
      issues.push({
        field: `keys.${position(entry)}.field`,
        rule: 'one_wildcard_field',
        message: 'a key may have only one wildcard field',
      }),
    );
  keys.forEach((entry) => {
    if (entry.value === '2d' && position(entry) !== 0) {
      issues.push({
        field: `keys.${position(entry)}.value`,
        rule: '2d_single',
        message: 'a 2d index has exactly one 2d field, and it comes first',
      });
    }
  });
  const textPositions = keys.map((entry, i) => (entry.value === 'text' ? i : -1)).filter((i) => i >= 0);
  if (textPositions.length > 1 && textPositions[textPositions.length - 1] - textPositions[0] !== textPositions.length - 1) {
    issues.push({
      field: 'keys',
      rule: 'text_contiguous',
      message: 'the text fields of a compound text index must stand together (prefix fields, text fields, suffix fields)',
    });
  }
}
