import { requiresVersionMessage, rulesAtLeast, type RuleContext } from './rule-version';
import { isWildcardField, keyKind, type KeyKind } from './key-kinds';
import { fieldNameProblem, isKeyValue, keyPatternBytes, MAX_KEY_PATTERN_BYTES } from './key-pattern';
import { isRecord } from './records';
import { textKeyIssues } from './text-rules';
import type { IndexIssue, KeyEntry } from './types';

/**
 * MongoDB's limit on fields in a compound key (mongodb/mongo src/mongo/bson/ordering.h `Ordering::make`, code
 * 13103; jstests/core/index/compound_index_max_fields.js). It counts the key as the server stores it: a text
 * index's text fields, however many, are the two fields `_fts` and `_ftsx`.
 */
export const MAX_COMPOUND_FIELDS = 32;

/** How many fields the server's stored key has: the text fields stand as `_fts` and `_ftsx`. */
function storedKeyFieldCount(keys: readonly unknown[]): number {
  const text = keys.filter((raw) => isRecord(raw) && raw.value === 'text').length;
  return keys.length - text + (text > 0 ? 2 : 0);
}

/** Key rules; returns the entries that are well formed enough for the option rules to use. */
// `context`: the target's version, for the rules that differ between versions (see rule-version.ts).
export function validateKeys(keys: unknown, issues: IndexIssue[], context?: RuleContext): KeyEntry[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    issues.push({ field: 'keys', rule: 'empty_keys', message: 'keys must list at least one field' });
    return [];
  }
  const stored = storedKeyFieldCount(keys);
  if (stored > MAX_COMPOUND_FIELDS) {
    issues.push({
      field: 'keys',
      rule: 'max_compound_fields',
      message: `a key has at most ${MAX_COMPOUND_FIELDS} fields as the server stores it (text fields count as two, _fts and _ftsx); this one has ${stored}`,
    });
  }
  const valid: KeyEntry[] = [];
  const seen = new Map<string, number>();
  keys.forEach((raw: unknown, i: number) => {
    const entry = isRecord(raw) ? raw : {};
    const field = entry.field;
    const value = entry.value;
    const fieldProblem = typeof field === 'string' ? fieldNameProblem(field, value) : 'must be a string';
    if (fieldProblem) issues.push({ field: `keys.${i}.field`, rule: 'field_name', message: `field name ${fieldProblem}` });
    if (!isKeyValue(value)) {
      issues.push({
        field: `keys.${i}.value`,
        rule: 'key_value',
        message: `key value ${JSON.stringify(value)} is neither a non-zero number nor one of "text", "2dsphere", "2d", "hashed"`,
      });
    } else if (typeof field === 'string' && isWildcardField(field)) {
      wildcardValueIssue(field, value, `keys.${i}.value`, issues, context);
    }
    if (typeof field === 'string') {
      const first = seen.get(field);
      if (first !== undefined) {
        issues.push({ field: `keys.${i}.field`, rule: 'duplicate_field', message: `field "${field}" already appears at keys.${first}` });
      } else {
        seen.set(field, i);
      }
    }
    if (!fieldProblem && isKeyValue(value)) valid.push({ field: field as string, value });
  });
  const bytes = keyPatternBytes(
    keys.map((raw: unknown) => (isRecord(raw) ? { field: String(raw.field), value: raw.value } : { field: '', value: 1 })),
  );
  if (bytes > MAX_KEY_PATTERN_BYTES) {
    issues.push({
      field: 'keys',
      rule: 'key_pattern_size',
      message: `the key pattern is ${bytes} BSON bytes; the limit is ${MAX_KEY_PATTERN_BYTES}`,
    });
  }
  validateKinds(valid, keys as readonly unknown[], issues);
  return valid;
}

/**
 * A wildcard key takes a non-zero number (`{ "$**": "text" }` is a text index); a negative one only
 * since 7.0, which brought compound wildcard indexes (index_key_validate.cpp `validateKeyPattern`).
 */
function wildcardValueIssue(field: string, value: KeyEntry['value'], at: string, issues: IndexIssue[], context?: RuleContext): void {
  if (typeof value === 'number') {
    if (value < 0 && !rulesAtLeast(context, 7, 0)) {
      issues.push({ field: at, rule: 'requires_version', message: requiresVersionMessage('a descending wildcard key', [7, 0], context) });
    }
  } else if (!(field === '$**' && value === 'text')) {
    issues.push({ field: at, rule: 'key_value', message: `a wildcard key takes a non-zero number, not ${JSON.stringify(value)}` });
  }
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
  issues.push(...textKeyIssues(keys, position));
  const textPositions = keys.map((entry, i) => (entry.value === 'text' ? i : -1)).filter((i) => i >= 0);
  if (textPositions.length > 1 && textPositions[textPositions.length - 1] - textPositions[0] !== textPositions.length - 1) {
    issues.push({
      field: 'keys',
      rule: 'text_contiguous',
      message: 'the text fields of a compound text index must stand together (prefix fields, text fields, suffix fields)',
    });
  }
}
