import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_OPTIONS, SIGNATURE_OPTIONS, type DefinitionOptions, type IndexOptionRow } from './index-options';
import { definitionFromListIndexes, toMongoIndexSpec } from './mongo-spec';
import { canonicalFromDefinition, canonicalFromListIndexes } from './normalize';
import { sameIndex } from './signature';
import type { IndexDefinition, KeyEntry, ListIndexesEntry, MongoIndexSpec } from './types';
import { validateDefinition } from './validation';

/** A valid value of every option other than its default: a new row fails to compile until it has one. */
const SAMPLES: Required<DefinitionOptions> = {
  is_unique: true,
  sparse: true,
  expire_after_seconds: 60,
  partial_filter_expression: { a: { $gt: 1 } },
  collation: { locale: 'fr' },
  hidden: true,
  prepare_unique: true,
  weights: { body: 5 },
  default_language: 'french',
  language_override: 'lang',
  text_index_version: 2,
  wildcard_projection: { a: 1 },
  sphere_index_version: 2,
  bits: 20,
  min: -100,
  max: 100,
};

function keysFor(row: IndexOptionRow): KeyEntry[] {
  switch (row.onlyFor?.kinds[0]) {
    case 'text':
      return [{ field: 'body', value: 'text' }];
    case '2d':
      return [{ field: 'pos', value: '2d' }];
    case '2dsphere':
      return [{ field: 'loc', value: '2dsphere' }];
    case 'wildcard':
      return [{ field: '$**', value: 1 }];
    case undefined:
      return row.dr === 'wildcard_projection' ? [{ field: '$**', value: 1 }] : [{ field: 'a', value: 1 }];
  }
}

/** A createIndexes spec as listIndexes returns it: the server stores text fields as `_fts`/`_ftsx` and their weights. */
function asListed(spec: MongoIndexSpec): ListIndexesEntry {
  const textFields = Object.keys(spec.key).filter((field) => spec.key[field] === 'text');
  if (textFields.length === 0) return { v: 2, ...spec };
  const weights = spec.weights ?? Object.fromEntries(textFields.map((field) => [field, 1]));
  return { v: 2, ...spec, key: { _fts: 'text', _ftsx: 1 }, weights };
}

const definitionOf = (row: IndexOptionRow, value: unknown): IndexDefinition => ({
  name: 'idx',
  keys: keysFor(row),
  options: { [row.dr]: value } as DefinitionOptions,
});

describe('the options table', () => {
  it('names each option once, in both spellings', () => {
    expect(new Set(INDEX_OPTIONS.map((row) => row.dr)).size).toBe(INDEX_OPTIONS.length);
    expect(new Set(INDEX_OPTIONS.map((row) => row.mongo)).size).toBe(INDEX_OPTIONS.length);
  });

  it('refers to rules that exist', () => {
    const sources = readdirSync(__dirname)
      // Not the table itself, where every id is written.
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'index-options.ts')
      .map((file) => readFileSync(join(__dirname, file), 'utf8'))
      .join('\n');
    for (const row of INDEX_OPTIONS as readonly IndexOptionRow[]) {
      for (const rule of row.rules ?? []) expect([row.dr, rule, sources.includes(`'${rule}'`)]).toEqual([row.dr, rule, true]);
    }
  });

  it('puts in the signature what compareIndexOptions compares first (5.0+)', () => {
    expect(SIGNATURE_OPTIONS).toEqual(['collation', 'partialFilterExpression', 'sparse', 'unique', 'wildcardProjection']);
  });

  describe.each(INDEX_OPTIONS.map((row) => [row.dr, row] as const))('%s', (dr, row) => {
    const definition = definitionOf(row, SAMPLES[dr]);

    it('is valid with its sample value on the index kind it is for', () => expect(validateDefinition(definition)).toEqual([]));

    it('goes into a createIndexes spec under its MongoDB name, and comes back by import', () => {
      const spec = toMongoIndexSpec(definition);
      expect(spec[row.mongo]).toEqual(SAMPLES[dr]);
      const live = asListed(spec);
      expect(sameIndex(canonicalFromListIndexes(live), canonicalFromDefinition(definition))).toBe(true);
      expect(definitionFromListIndexes(live).options).toEqual({ [dr]: SAMPLES[dr] });
    });

    it('is a difference when given', () => {
      expect(sameIndex(canonicalFromDefinition(definition), canonicalFromDefinition({ ...definition, options: {} }))).toBe(false);
    });

    if ('default' in row) {
      it('at its default, is the same as absent', () => {
        const spelled = canonicalFromDefinition(definitionOf(row, row.default));
        expect(sameIndex(spelled, canonicalFromDefinition({ ...definition, options: {} }))).toBe(true);
      });
    }
  });
});
