import { isIdIndexKey, isIdIndexPattern } from './naming';
import type { DefinitionOptions, KeyEntry } from './types';

type Sink = (field: string, rule: string, message: string) => void;

/**
 * Options with a rule of their own elsewhere for the `_id` index (TTL: `ttl_not_id`), not repeated here.
 */
const REPORTED_ELSEWHERE: ReadonlySet<string> = new Set(['expire_after_seconds']);

/**
 * The `_id` index's rules (mongodb/mongo src/mongo/db/commands/create_indexes_cmd.cpp and
 * src/mongo/db/catalog/index_key_validate.cpp `validateIdIndexSpec`, r7.0/r8.0): a key the server reads as
 * an `_id` pattern must be exactly `{ _id: 1 }`, and that index carries nothing but its key, name and
 * collation: not `unique` (even `true`), `sparse` (even `false`), a partial filter, a TTL, `hidden`
 * (even `false`), or any other option (jstests/core/index/index_id_options.js).
 */
export function validateIdIndex(keys: readonly KeyEntry[], options: DefinitionOptions, add: Sink): void {
  if (isIdIndexPattern(keys) && !isIdIndexKey(keys)) {
    add(
      'keys.0.value',
      'id_index_key',
      `the server reads { _id: ${String(keys[0].value)} } as the _id index, whose key must be { _id: 1 }`,
    );
  }
  if (!isIdIndexKey(keys)) return;
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || name === 'collation' || REPORTED_ELSEWHERE.has(name)) continue;
    if (name === 'hidden') add('options.hidden', 'hidden_id', 'the _id index cannot be hidden');
    else add(`options.${name}`, 'id_index_options', `the _id index takes no ${name}: only a collation may be chosen for it`);
  }
}
