import { z } from 'zod';
import { ownRecord } from './own-record';

/**
 * Key values: a direction (the original's 1 / -1, or any non-zero number, which MongoDB accepts and tells
 * apart by value: `{a: 2}` is another index than `{a: 1}`), and the special index types. "1" / "-1" as
 * strings are accepted too.
 */
export const KeyValueSchema = z.union([
  z.number().refine((value) => value !== 0, { error: 'a direction is a non-zero number' }),
  z.literal('1').transform(() => 1),
  z.literal('-1').transform(() => -1),
  z.enum(['text', '2dsphere', '2d', 'hashed']),
]);

export const KeyEntrySchema = z.strictObject({
  // The core checks the whole key pattern against MongoDB's 2048 BSON bytes; this only bounds the input.
  field: z.string().min(1, { error: 'must not be empty' }).max(2048),
  value: KeyValueSchema,
});

/** Documents of the caller's own (filters, weights, projections): their field names are the caller's, `__proto__` included. */
const JsonObject = ownRecord(z.string(), z.unknown());

export const CollationSchema = z.strictObject({
  locale: z.string().min(1).max(64),
  caseLevel: z.boolean().optional(),
  caseFirst: z.enum(['upper', 'lower', 'off']).optional(),
  strength: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).optional(),
  numericOrdering: z.boolean().optional(),
  alternate: z.enum(['non-ignorable', 'shifted']).optional(),
  maxVariable: z.enum(['punct', 'space']).optional(),
  backwards: z.boolean().optional(),
  normalization: z.boolean().optional(),
});

/** The original's `is_unique` and `expire_after_seconds`, and every other createIndexes option in the same style. */
export const DefinitionOptionsSchema = z.strictObject({
  is_unique: z.boolean().optional(),
  expire_after_seconds: z.number().int({ error: 'must be a whole number of seconds' }).optional(),
  sparse: z.boolean().optional(),
  partial_filter_expression: JsonObject.optional(),
  collation: CollationSchema.optional(),
  hidden: z.boolean().optional(),
  weights: ownRecord(z.string(), z.number()).optional(),
  default_language: z.string().min(1).max(64).optional(),
  language_override: z.string().min(1).max(256).optional(),
  text_index_version: z.number().int().optional(),
  wildcard_projection: ownRecord(z.string(), z.union([z.literal(0), z.literal(1)])).optional(),
  sphere_index_version: z.number().int().optional(),
  bits: z.number().int().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const IndexName = z.string().min(1, { error: 'must not be empty' }).max(1024);

export const IndexDefinitionBody = z.strictObject({
  name: IndexName.optional(),
  keys: z.array(KeyEntrySchema).min(1, { error: 'must have at least one key' }).max(32, { error: 'at most 32 fields' }),
  options: DefinitionOptionsSchema.optional(),
});

export const IndexDefinitionView = z.object({
  id: z.string(),
  database_id: z.string(),
  collection: z.string(),
  name: z.string(),
  key_signature: z.string(),
  keys: z.array(z.object({ field: z.string(), value: z.union([z.number(), z.string()]) })),
  options: JsonObject,
  created_at: z.string(),
  updated_at: z.string(),
});
export type IndexDefinitionView = z.infer<typeof IndexDefinitionView>;

export { IndexName };
