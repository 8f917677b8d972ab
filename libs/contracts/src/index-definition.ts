import { z } from 'zod';
// The options table itself, by path: contracts are loaded by tools and test set-up that resolve no `@ir/` alias.
import {
  INDEX_OPTIONS,
  type IndexOption,
  type IndexOptionRow,
  type OptionKind,
  type OptionValues,
} from '../../index-core/src/index-options';
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

/** The zod schema of each value shape of the options table (`@ir/index-core` `INDEX_OPTIONS`). */
const OPTION_VALUE_SCHEMAS = {
  flag: z.boolean(),
  integer: z.number().int(),
  number: z.number(),
  string: z.string().min(1),
  filter: JsonObject,
  collation: CollationSchema,
  weights: ownRecord(z.string(), z.number()),
  projection: ownRecord(z.string(), z.union([z.literal(0), z.literal(1)])),
} satisfies { readonly [K in OptionKind]: z.ZodType<OptionValues[K], unknown> };

type OptionSchemas = typeof OPTION_VALUE_SCHEMAS;
type OptionsShape = { [R in IndexOption as R['dr']]: z.ZodOptional<OptionSchemas[R['kind']]> };

function optionSchema(row: IndexOptionRow): z.ZodType {
  const base = OPTION_VALUE_SCHEMAS[row.kind];
  if (base instanceof z.ZodNumber && row.kind === 'integer')
    return row.unit ? z.number().int({ error: `must be a whole number of ${row.unit}` }) : base;
  if (base instanceof z.ZodString && row.maxLength !== undefined) return base.max(row.maxLength);
  return base;
}

/** The original's `is_unique` and `expire_after_seconds`, and every other createIndexes option in the same style: one per row of the options table. */
export const DefinitionOptionsSchema = z.strictObject(
  Object.fromEntries(INDEX_OPTIONS.map((row) => [row.dr, optionSchema(row).optional()])) as OptionsShape,
);

type ChangeRow = Extract<IndexOption, { collMod: object }>;
type ChangesShape = { [R in ChangeRow as R['mongo']]: z.ZodOptional<OptionSchemas[R['kind']]> };

/** What a plan's `modify` step has collMod change: one field per option the options table says collMod changes in place. */
export const IndexChangesSchema = z.object(
  Object.fromEntries(
    INDEX_OPTIONS.filter((row) => 'collMod' in row).map((row) => [row.mongo, OPTION_VALUE_SCHEMAS[row.kind].optional()]),
  ) as ChangesShape,
);

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
