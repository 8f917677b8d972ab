import { containsText, type Page, type PageRequest } from '@ir/platform';
import type { IndexDefinitionDocument } from './index-definition.model';

/**
 * A database's definitions held in memory, sorted by collection then name (a manifest's order), with
 * each collection's run of them: the queries the registry answers from one read of the set.
 */
export interface DefinitionSet {
  readonly version: number;
  readonly all: readonly IndexDefinitionDocument[];
  readonly byCollection: ReadonlyMap<string, readonly IndexDefinitionDocument[]>;
}

/** The order MongoDB sorts strings in by default: by code unit, not by locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function definitionSetOf(version: number, definitions: readonly IndexDefinitionDocument[]): DefinitionSet {
  const all = [...definitions].sort((a, b) => compareText(a.collection, b.collection) || compareText(a.name, b.name));
  const byCollection = new Map<string, IndexDefinitionDocument[]>();
  for (const definition of all) {
    const run = byCollection.get(definition.collection);
    if (run) run.push(definition);
    else byCollection.set(definition.collection, [definition]);
  }
  return { version, all, byCollection };
}

/** A collection's definitions by name; `search` matches the name or a key's field (case-insensitive, literal). */
export function pageOfCollection(
  set: DefinitionSet,
  collection: string,
  search: string | undefined,
  request: PageRequest,
): Page<IndexDefinitionDocument> {
  const inCollection = set.byCollection.get(collection) ?? [];
  const pattern = search ? containsText(search) : undefined;
  const matching = pattern ? inCollection.filter((d) => pattern.test(d.name) || d.keys.some((k) => pattern.test(k.field))) : inCollection;
  const start = (request.page - 1) * request.limit;
  return { items: matching.slice(start, start + request.limit), page: request.page, limit: request.limit, total: matching.length };
}

/** At most `limit` definitions in id order, those after `after` (an id), of the collections listed (all without). */
export function batchOfDatabase(
  set: DefinitionSet,
  query: { collections?: readonly string[]; after?: string; limit: number },
): IndexDefinitionDocument[] {
  const wanted = query.collections ? query.collections.flatMap((c) => set.byCollection.get(c) ?? []) : set.all;
  // An ObjectId's hex text sorts as the id does.
  const after = query.after?.toLowerCase();
  return wanted
    .map((d) => ({ d, id: d._id.toHexString() }))
    .filter(({ id }) => after === undefined || id > after)
    .sort((a, b) => compareText(a.id, b.id))
    .slice(0, query.limit)
    .map(({ d }) => d);
}

/** The collection's definitions, but the one excepted. */
export function othersInCollection(
  set: DefinitionSet,
  collection: string,
  exceptId?: IndexDefinitionDocument['_id'],
): IndexDefinitionDocument[] {
  return (set.byCollection.get(collection) ?? []).filter((d) => !exceptId || !d._id.equals(exceptId));
}
