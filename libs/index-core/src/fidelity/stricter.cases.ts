import type { ListIndexesEntry } from '../types';

/**
 * Where the core is deliberately stricter than MongoDB (README, "Where the core is stricter than MongoDB"):
 * the rule, why, and an index a server can hold that the rule would refuse. `stricter.cases.spec.ts` proves
 * for each that the rule is real (a definition of that index is refused) and that it never causes drift: a
 * comparison with the live index applies no validation, so the index is matched, the same, with no plan.
 */
export interface StricterRule {
  readonly rule: string;
  readonly why: string;
  /** An index as listIndexes returns it from a server that accepted it. */
  readonly live: ListIndexesEntry;
  readonly source: string;
}

export const STRICTER_RULES: readonly StricterRule[] = [
  {
    rule: 'name_length',
    why: 'names of at most 127 UTF-8 bytes stay readable in plans and scripts and fit older tools (the old namespace limit)',
    live: { v: 2, key: { a: 1 }, name: `a_${'x'.repeat(198)}` },
    source: 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp (4.2+: no length limit on index names)',
  },
  {
    rule: 'ttl_integer',
    why: 'the server truncates a fraction of a second; a whole number says exactly when documents expire',
    live: { v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 3600.5 },
    source: 'mongodb/mongo src/mongo/db/catalog/index_key_validate.cpp (validateExpireAfterSeconds takes any number within 32 bits)',
  },
  {
    rule: 'text_options_require_text',
    why: 'a default language or language field means nothing to an index without a text key; writing one is a mistake',
    live: { v: 2, key: { a: 1 }, name: 'a_1', default_language: 'french', language_override: 'lang' },
    source:
      'mongodb/mongo src/mongo/db/catalog/index_key_validate.h (7.0+: default_language and language_override allowed on every index type)',
  },
  {
    rule: '2d_options_require_2d',
    why: 'bits, min and max mean nothing to an index without a 2d key (as weights and text_index_version without a text key, sphere_index_version without a 2dsphere key): 8.0 refuses them, 6.0 and 7.0 ignore them; the core refuses them on every version',
    live: { v: 2, key: { a: 1 }, name: 'a_1', bits: 20 },
    source: 'mongodb/mongo src/mongo/db/catalog/index_key_validate.h (6.0/7.0 line: one allowedFieldNames set for every index type)',
  },
];
