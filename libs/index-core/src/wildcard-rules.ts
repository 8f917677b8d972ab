import { keyKind } from './key-kinds';
import { requiresVersionMessage, rulesAtLeast, type RuleContext } from './rule-version';
import type { DefinitionOptions, KeyEntry } from './types';
import { covers, validateProjection } from './wildcard-projection';

/**
 * Wildcard and compound wildcard index rules, as MongoDB's createIndexes applies them
 * (mongodb/mongo src/mongo/db/index/wildcard_validation.cpp, jstests/core/index/wildcard/
 * wildcard_index_validindex.js and compound_wildcard_index_validation.js). The projection's own
 * rules and normal form: wildcard-projection.ts.
 */

type Sink = (field: string, rule: string, message: string) => void;

const FIELD = 'options.wildcard_projection';

/**
 * Every wildcard rule for one definition: options a wildcard index may not have, compound wildcard
 * keys (7.0+), and `wildcard_projection`. Unique and TTL wildcard indexes are refused where those
 * options are checked (validation-options.ts).
 */
export function validateWildcardOptions(
  keys: readonly KeyEntry[],
  options: DefinitionOptions,
  add: Sink,
  context: RuleContext | undefined,
): void {
  const wildcard = keys.find((entry) => keyKind(entry) === 'wildcard');
  const others = keys.filter((entry) => entry !== wildcard);
  // A special type beside the wildcard is reported as mixed index types (validation-keys.ts); nothing to add.
  const compound = wildcard !== undefined && others.length > 0 && others.every((entry) => keyKind(entry) === 'ordinary');
  const regular = compound ? others.map((entry) => entry.field) : [];
  if (wildcard) {
    // wildcard_index_validindex.js / compound_wildcard_index_validation.js: sparse is refused (67).
    if (options.sparse === true) add('options.sparse', 'wildcard_not_sparse', 'a wildcard index cannot be sparse');
    if (compound) validateCompoundKey(wildcard, regular, options, add, context);
  }
  if (options.wildcard_projection !== undefined) validateProjection(wildcard, regular, options.wildcard_projection, add, context);
}

function validateCompoundKey(
  wildcard: KeyEntry,
  regular: readonly string[],
  options: DefinitionOptions,
  add: Sink,
  context: RuleContext | undefined,
): void {
  if (!rulesAtLeast(context, 7, 0)) {
    add('keys', 'requires_version', requiresVersionMessage('a compound wildcard index', [7, 0], context));
  }
  if (wildcard.field === '$**') {
    // Code 67: an all-fields compound wildcard index must say which paths it leaves to the regular fields.
    if (options.wildcard_projection === undefined) {
      add(
        FIELD,
        'compound_wildcard_projection_required',
        'a compound wildcard index on "$**" needs a wildcard_projection that excludes its other fields',
      );
    }
    return;
  }
  // Code 7246204: the regular fields may not lie inside the wildcard's subtree.
  const subtree = wildcard.field.slice(0, -'.$**'.length);
  for (const field of regular) {
    if (covers(subtree, field)) add('keys', 'compound_wildcard_overlap', `"${field}" lies inside the wildcard path "${wildcard.field}"`);
  }
}
