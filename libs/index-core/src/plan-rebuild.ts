import type { DifferentIndex, RealIndex } from './diff';
import { isWildcardField } from './key-kinds';
import { NOT_ON_STAND_IN, optionOfMongoName } from './index-options';
import { definitionUnderCollection } from './collection-collation';
import { definitionFromListIndexes, toMongoIndexSpec } from './mongo-spec';
import { ID_INDEX_NAME } from './naming';
import { canonicalFromDefinition, isTextPlaceholder } from './normalize';
import type { IndexChanges, PlanOperation } from './plan-types';
import { keySignature } from './signature';
import type { CanonicalIndex, IndexDefinition, MongoIndexSpec } from './types';
import { MAX_INDEX_NAME_BYTES } from './validation';
import { MAX_COMPOUND_FIELDS } from './validation-keys';

/**
 * Step labels are `<change> <k>/<n>` or `<change> <k>/<n>: <what>`, where <what> is fixed text
 * without a slash; the change (`rebuild x`, `replace a by b`) names indexes and may hold anything,
 * hence the last match.
 */
const STEP_LABEL = /^(.*) \d+\/\d+(?:: [^/]*)?$/s;

/** `rebuild x 2/4: drop the old index` → `rebuild x`: the change (rebuild or replacement) a step label belongs to. */
export function changeOfStep(step: string): string {
  const match = STEP_LABEL.exec(step);
  return match ? match[1] : step;
}

/** Suffix of the temporary index that serves queries while an index is rebuilt under its own name. */
export const TEMPORARY_SUFFIX = '__ir_tmp';

/** An operation with the canonical form of the index it creates, so that the scheduler can see conflicts. */
export interface Step {
  readonly op: PlanOperation;
  readonly canonical?: CanonicalIndex;
}

/** What one DifferentIndex becomes before scheduling. */
export type Change =
  | { readonly type: 'modify'; readonly op: PlanOperation }
  /** Old and new coexist: create the new one, drop the old one once it exists. */
  | { readonly type: 'replace'; readonly create: PlanOperation; readonly drop: PlanOperation }
  /** Old and new cannot coexist: a fixed sequence that ends with as many indexes as it began; `peak` is the extra index it holds midway. */
  | { readonly type: 'sequence'; readonly steps: readonly Step[] }
  | { readonly type: 'skip'; readonly warning: string };

/** Every index name and identity in the collection, real and desired: a temporary index must collide with none. */
export interface CollectionNames {
  readonly names: ReadonlySet<string>;
  readonly signatures: ReadonlySet<string>;
}

const isText = (c: CanonicalIndex): boolean => c.key.some(isTextPlaceholder);
const show = (value: unknown): string => (value === undefined ? 'none' : JSON.stringify(value));

/** Whether collMod changes this option in place (the options table's `collMod` column). */
const changesInPlace = (name: string): boolean => optionOfMongoName(name)?.collMod !== undefined;

/**
 * Whether collMod can make the real index the desired one: every difference is an option collMod
 * changes in place (the options table's `collMod` column: `hidden`, never on `_id_`,
 * `expireAfterSeconds`, and `prepareUnique`, 6.0+, which starts or stops refusing new duplicates). `expireAfterSeconds` changes on a TTL index always, and since 5.1 collMod
 * also turns a non-TTL single-field index into a TTL index ("Convert a non-TTL single-field Index
 * into a TTL Index", core/index-ttl, 5.1+ manual; this product targets 6.0+). Nothing removes TTL
 * from an index, so that is a rebuild. collMod's `unique` (6.0+) is not used: it converts only
 * after a `prepareUnique` step and refuses while duplicates exist, which a rebuild reports as well
 * while the old index keeps serving (mongodb/mongo src/mongo/db/catalog/README.md, "Unique indexes").
 */
function collModChanges(d: DifferentIndex): IndexChanges | undefined {
  if (d.differences.length === 0 || !d.differences.every(changesInPlace)) return undefined;
  const wanted = d.desired.canonical.options;
  const real = d.real.canonical;
  const changes: Record<string, number | boolean> = {};
  for (const name of d.differences) {
    if (name === 'expireAfterSeconds') {
      if (typeof wanted.expireAfterSeconds !== 'number') return undefined;
      const alreadyTtl = typeof real.options.expireAfterSeconds === 'number';
      const [only] = real.key;
      const plainSingleField =
        real.key.length === 1 && typeof only.value === 'number' && only.field !== '_id' && !isWildcardField(only.field);
      if (!alreadyTtl && !plainSingleField) return undefined;
      changes.expireAfterSeconds = wanted.expireAfterSeconds;
    } else if (optionOfMongoName(name)?.kind === 'flag') {
      // hidden, prepareUnique: absent is false, which collMod sets as such.
      changes[name] = wanted[name] === true;
    } else {
      return undefined;
    }
  }
  return changes as IndexChanges;
}

function modifyReason(d: DifferentIndex, changes: IndexChanges): string {
  const parts: string[] = [];
  if (changes.expireAfterSeconds !== undefined) {
    const before = d.real.canonical.options.expireAfterSeconds;
    parts.push(`expireAfterSeconds ${show(before)} → ${changes.expireAfterSeconds}`);
    if (before === undefined) parts.push('(collMod makes a single-field index a TTL index on MongoDB 5.1+)');
  }
  for (const [name, value] of Object.entries(changes)) {
    if (typeof value === 'boolean') parts.push(`${name} ${String(!value)} → ${String(value)}`);
  }
  return parts.join(' ');
}

/**
 * A stand-in that serves the old index's queries while the old and the new
 * index cannot both exist: the old key with `_id` appended, so that its
 * identity differs from both, with the old collation and partial filter (which
 * decide which queries may use it). Not unique, sparse, TTL or hidden (the
 * options table's `notOnStandIn` column): those would mean nothing or harm on
 * the longer key. Impossible for text (one text index
 * per collection) and wildcard keys (compound wildcard needs 7.0), for a key
 * that holds `_id` or is full, and when the name or identity is taken.
 */
function bridgeSpec(
  real: RealIndex,
  finalName: string,
  taken: CollectionNames,
  collectionCollation: unknown,
): { spec: MongoIndexSpec; canonical: CanonicalIndex } | undefined {
  const old = real.canonical;
  if (isText(old) || old.key.some((e) => isWildcardField(e.field) || e.field === '_id') || old.key.length >= MAX_COMPOUND_FIELDS)
    return undefined;
  const name = `${finalName}${TEMPORARY_SUFFIX}`;
  if (new TextEncoder().encode(name).length > MAX_INDEX_NAME_BYTES || taken.names.has(name)) return undefined;
  // On a collection with a default collation, an old index built with `simple` keeps it written out.
  const source = definitionUnderCollection(definitionFromListIndexes(real.entry), real.entry, collectionCollation);
  const options = Object.fromEntries(Object.entries(source.options ?? {}).filter(([name]) => !NOT_ON_STAND_IN.has(name)));
  const definition: IndexDefinition = { name, keys: [...old.key, { field: '_id', value: 1 }], options };
  const canonical = canonicalFromDefinition(definition);
  if (taken.signatures.has(keySignature(canonical))) return undefined;
  return { spec: toMongoIndexSpec(definition), canonical };
}

/** Decides how one different index is brought to the design repository's form. */
export function changeFor(collection: string, d: DifferentIndex, taken: CollectionNames, collectionCollation?: unknown): Change {
  const newName = d.desired.definition.name;
  const oldName = d.real.entry.name;
  const what = `differs from the design repository in ${d.differences.join(', ')}`;
  if (oldName === ID_INDEX_NAME) {
    return { type: 'skip', warning: `${collection}.${ID_INDEX_NAME} ${what}; _id_ is never dropped, hidden or rebuilt: change it by hand` };
  }
  const changes = collModChanges(d);
  if (changes) {
    return { type: 'modify', op: { kind: 'modify', collection, index: oldName, reason: modifyReason(d, changes), changes } };
  }

  const spec = toMongoIndexSpec(d.desired.definition);
  const sameName = newName === oldName;
  const sameIdentity = keySignature(d.desired.canonical) === keySignature(d.real.canonical);
  const bothText = isText(d.desired.canonical) && isText(d.real.canonical);
  if (!sameName && !sameIdentity && !bothText) {
    const step = `replace ${oldName} by ${newName}`;
    return {
      type: 'replace',
      create: {
        kind: 'create',
        collection,
        index: newName,
        spec,
        step: `${step} 1/2`,
        reason: `replaces ${oldName}, which ${what}; built before ${oldName} is dropped so that queries always have an index`,
      },
      drop: { kind: 'drop', collection, index: oldName, step: `${step} 2/2`, reason: `replaced by ${newName}: ${what}` },
    };
  }

  // MongoDB refuses the new index while the old one exists: same name (error 86/85), same key and identity options (85), or a second text index.
  const why = sameName
    ? 'they have the same name'
    : sameIdentity
      ? 'they have the same key and identity options (MongoDB error 85)'
      : 'a collection has only one text index';
  const step = `rebuild ${newName}`;
  const bridge = d.real.canonical.options.hidden === true ? undefined : bridgeSpec(d.real, newName, taken, collectionCollation);
  const final: Step = {
    op: { kind: 'create', collection, index: newName, spec, reason: `rebuilt with the design repository's options (${what})` },
    canonical: d.desired.canonical,
  };
  if (bridge) {
    const tmp = bridge.spec.name;
    return {
      type: 'sequence',
      steps: [
        {
          op: {
            kind: 'create',
            collection,
            index: tmp,
            spec: bridge.spec,
            doneWhen: spec,
            step: `${step} 1/4: temporary index`,
            reason: `temporary index that serves the queries of ${oldName} while it is rebuilt: ${what}, and the old and new index cannot coexist because ${why}`,
          },
          canonical: bridge.canonical,
        },
        {
          op: {
            kind: 'drop',
            collection,
            index: oldName,
            doneWhen: spec,
            step: `${step} 2/4: drop the old index`,
            reason: `${what}; ${tmp} serves its queries until the new index exists`,
          },
        },
        { ...final, op: { ...final.op, step: `${step} 3/4: create the new index` } },
        {
          op: {
            kind: 'drop',
            collection,
            index: tmp,
            step: `${step} 4/4: drop the temporary index`,
            reason: `temporary index no longer needed: ${newName} exists`,
          },
        },
      ],
    };
  }
  const gap =
    d.real.canonical.options.hidden === true
      ? `the old index is hidden, so no query uses it in between`
      : `the collection has no such index between this drop and the create that follows (no temporary index is possible for this key)`;
  return {
    type: 'sequence',
    steps: [
      {
        op: {
          kind: 'drop',
          collection,
          index: oldName,
          doneWhen: spec,
          step: `${step} 1/2: drop`,
          reason: `${what}; the old and new index cannot coexist because ${why}: ${gap}`,
        },
      },
      { ...final, op: { ...final.op, step: `${step} 2/2: create` } },
    ],
  };
}
