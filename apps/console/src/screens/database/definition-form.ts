import type { IndexDefinitionView } from '../../api/types';

/** The key types the form offers; a definition with another value (a direction of 2) keeps it as an extra choice. */
export const KEY_TYPES = ['1', '-1', 'text', 'hashed', '2dsphere', '2d'] as const;

export interface KeyRow {
  field: string;
  value: string;
}

/** The form as typed: strings, so that what the user wrote reaches the API and its checks as written. */
export interface DefinitionForm {
  collection: string;
  name: string;
  keys: KeyRow[];
  unique: boolean;
  sparse: boolean;
  ttl: string;
  partialFilter: string;
  collation: string;
  /** Options the form has no field for (weights, hidden, ...): an edit keeps them as they are. */
  otherOptions: Record<string, unknown>;
}

export const EMPTY_FORM: DefinitionForm = {
  collection: '',
  name: '',
  keys: [{ field: '', value: '1' }],
  unique: false,
  sparse: false,
  ttl: '',
  partialFilter: '',
  collation: '',
  otherOptions: {},
};

export function formOf(definition: IndexDefinitionView): DefinitionForm {
  const { is_unique, sparse, expire_after_seconds, partial_filter_expression, collation, ...otherOptions } = definition.options;
  return {
    collection: definition.collection,
    name: definition.name,
    keys: definition.keys.map((key) => ({ field: key.field, value: String(key.value) })),
    unique: is_unique === true,
    sparse: sparse === true,
    ttl: expire_after_seconds === undefined ? '' : String(expire_after_seconds),
    partialFilter: partial_filter_expression === undefined ? '' : JSON.stringify(partial_filter_expression, null, 2),
    collation: collation === undefined ? '' : JSON.stringify(collation, null, 2),
    otherOptions,
  };
}

export interface DefinitionBody {
  collection: string;
  name?: string;
  keys: { field: string; value: number | string }[];
  options: Record<string, unknown>;
}

/** The body for the API, or the fields whose JSON does not parse (the API cannot be asked about those). */
export function bodyOf(form: DefinitionForm): { body: DefinitionBody; local: Partial<Record<'partialFilter' | 'collation', string>> } {
  const local: Partial<Record<'partialFilter' | 'collation', string>> = {};
  const options: Record<string, unknown> = { ...form.otherOptions };
  if (form.unique) options.is_unique = true;
  if (form.sparse) options.sparse = true;
  // A number when it reads as one; otherwise as typed, for the API to say what it expects.
  if (form.ttl.trim()) options.expire_after_seconds = Number.isNaN(Number(form.ttl)) ? form.ttl : Number(form.ttl);
  for (const [field, option] of [
    ['partialFilter', 'partial_filter_expression'],
    ['collation', 'collation'],
  ] as const) {
    const text = form[field].trim();
    if (!text) continue;
    try {
      options[option] = JSON.parse(text);
    } catch (error) {
      local[field] = `not JSON: ${(error as Error).message}`;
    }
  }
  return {
    body: {
      collection: form.collection.trim(),
      name: form.name.trim() || undefined,
      keys: form.keys.map((key) => ({ field: key.field.trim(), value: /^-?\d+(\.\d+)?$/.test(key.value) ? Number(key.value) : key.value })),
      options,
    },
    local,
  };
}
