// Values shaped by an OpenAPI 3.0 schema (as the gateway's document states each body and query
// parameter), with hints for fields whose valid values the system must recognize (ids it holds,
// the one target URI the fuzz may use).
import fc from 'fast-check';
import { looksInternal } from './answer-checks';

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
}

/** What the fuzz knows of the running system: the ids it created and the test's own target. */
export interface FuzzFixtures {
  /** Ids of records that exist (databases, definitions, syncs), and some that never will. */
  readonly ids: readonly string[];
  /** Ids a DELETE may take: records made to be deleted, and ids that never existed. */
  readonly disposableIds: readonly string[];
  /** The only connection string a request may carry that could be registered: the test's FerretDB. */
  readonly targetUri: string;
  readonly collections: readonly string[];
}

const HEX = [...'0123456789abcdef'];
/** Strings that have broken services before, or that stand for a whole class of input. */
const TRICKY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '__proto__',
  'constructor',
  'toString',
  'system.users',
  '$where',
  'a.b',
  '$**',
  '..',
  '../..',
  '%00',
  '\ud800',
  'é',
  '𝒳',
  '\u202e',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  'x'.repeat(300),
  '{"$oid":"zz"}',
  '<script>',
  '*',
  '\\',
];

/**
 * Strings of the caller's: never ones the answer checks would take for internal text, since answers
 * may show them back (a stored name listed by a later request).
 */
export const trickyString = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      { arbitrary: fc.constantFrom(...TRICKY_STRINGS), weight: 3 },
      { arbitrary: fc.string({ maxLength: 24 }), weight: 3 },
      { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 2 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
    )
    .filter((text) => !looksInternal(text));

export const hexId = (): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...HEX), minLength: 24, maxLength: 24 });

/** An id the system holds, a well-formed one it does not, or anything. */
export const idLike = (fixtures: FuzzFixtures): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...fixtures.ids), weight: 6 },
    { arbitrary: hexId(), weight: 2 },
    { arbitrary: trickyString(), weight: 1 },
  );

function numberFor(schema: JsonSchema): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000_000;
  const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
  if (schema.type === 'integer') return fc.integer({ min: Math.max(min, -(2 ** 40)), max: Math.min(max, 2 ** 40) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function stringFor(name: string | undefined, schema: JsonSchema, fixtures: FuzzFixtures): fc.Arbitrary<string> {
  if (schema.pattern === '^[0-9a-f]{24}$' || name === 'database_id' || name === 'id' || name === 'sync_id' || name === 'after') {
    return idLike(fixtures);
  }
  if (schema.format === 'email') return fc.oneof(fc.emailAddress(), trickyString());
  if (name === 'collection')
    return fc.oneof({ arbitrary: fc.constantFrom(...fixtures.collections), weight: 4 }, { arbitrary: trickyString(), weight: 2 });
  if (name === 'db_name')
    return fc.oneof(
      fc.string({ unit: fc.constantFrom(...'abcdefghij_'), minLength: 1, maxLength: 12 }).map((s) => `fuzz_${s}`),
      trickyString(),
    );
  return fc.oneof(
    { arbitrary: fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 64) }), weight: 3 },
    { arbitrary: trickyString(), weight: 1 },
  );
}

/**
 * A value of the schema: required properties always, optional ones sometimes, arrays short. `name`
 * is the property that holds it, for the hints. Depth is bounded so that recursive shapes end.
 */
export function schemaArbitrary(schema: JsonSchema | undefined, fixtures: FuzzFixtures, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 1 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((option) => schemaArbitrary(option, fixtures, name, depth + 1)));
  if (schema.allOf) return schemaArbitrary(Object.assign({}, ...schema.allOf) as JsonSchema, fixtures, name, depth + 1);
  const value = shapedArbitrary(schema, fixtures, name, depth);
  return schema.nullable ? fc.oneof({ arbitrary: value, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 }) : value;
}

function shapedArbitrary(schema: JsonSchema, fixtures: FuzzFixtures, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  if (name === 'uri') return fc.constant(fixtures.targetUri);
  switch (schema.type) {
    case 'string':
      return stringFor(name, schema, fixtures);
    case 'integer':
    case 'number':
      return numberFor(schema);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schemaArbitrary(schema.items, fixtures, name === 'collections' ? 'collection' : undefined, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object':
      return objectArbitrary(schema, fixtures, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(schema: JsonSchema, fixtures: FuzzFixtures, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    const keys = fc.oneof(fc.constantFrom(...fixtures.collections), trickyString());
    return fc.dictionary(keys, schemaArbitrary(values, fixtures, undefined, depth + 1), { maxKeys: 3 });
  }
  const model = Object.fromEntries(names.map((key) => [key, schemaArbitrary(properties[key], fixtures, key, depth + 1)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
}
