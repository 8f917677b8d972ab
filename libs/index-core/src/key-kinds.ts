import type { KeyEntry } from './types';

/** The kind of index a key entry makes; a key may hold ordinary fields and at most one special kind. */
export type KeyKind = 'ordinary' | 'text' | '2dsphere' | '2d' | 'hashed' | 'wildcard';

export function isWildcardField(field: string): boolean {
  return field === '$**' || field.endsWith('.$**');
}

export function keyKind(entry: KeyEntry): KeyKind {
  // `{ '$**': 'text' }` is a text index on every string field, not a wildcard index.
  if (entry.value === 'text') return 'text';
  if (isWildcardField(entry.field)) return 'wildcard';
  if (typeof entry.value === 'number') return 'ordinary';
  return entry.value;
}

export function hasKind(keys: readonly KeyEntry[], kind: KeyKind): boolean {
  return keys.some((entry) => keyKind(entry) === kind);
}
