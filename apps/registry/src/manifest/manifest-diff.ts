import type { ManifestApplyResult, ManifestUpdate } from '@ir/contracts';
import { stableStringify } from '@ir/index-core';
import { optionsOf } from '../indexes/definition-view';
import type { IndexDefinitionDocument } from '../indexes/index-definition.model';
import type { PlannedDefinition } from './manifest-validation';

/** What applying a manifest changes, definition by definition, each list by collection and name. */
export type ManifestDiff = Pick<ManifestApplyResult, 'created' | 'updated' | 'deleted' | 'unchanged'>;

type Fields = ManifestUpdate['before'];

/** The stored definitions against the manifest's, matched by collection and name. */
export function diffManifest(existing: readonly IndexDefinitionDocument[], planned: readonly PlannedDefinition[]): ManifestDiff {
  const current = new Map(existing.map((d) => [definitionKey(d.collection, d.name), d]));
  const wanted = new Set(planned.map((p) => definitionKey(p.collection, p.resolved.definition.name)));
  const diff: ManifestDiff = { created: [], updated: [], deleted: [], unchanged: [] };
  for (const p of planned) {
    const change = { collection: p.collection, name: p.resolved.definition.name };
    const doc = current.get(definitionKey(change.collection, change.name));
    if (!doc) {
      diff.created.push(change);
      continue;
    }
    const { before, after } = changedFields(fieldsOf(doc), {
      keys: p.resolved.definition.keys.map(({ field, value }) => ({ field, value })),
      options: { ...(p.resolved.definition.options ?? {}) },
    });
    if (Object.keys(before).length + Object.keys(after).length === 0) diff.unchanged.push(change);
    else diff.updated.push({ ...change, before, after });
  }
  for (const doc of existing) {
    if (!wanted.has(definitionKey(doc.collection, doc.name))) diff.deleted.push({ collection: doc.collection, name: doc.name });
  }
  for (const list of [diff.created, diff.updated, diff.deleted, diff.unchanged]) {
    list.sort((a, b) => a.collection.localeCompare(b.collection) || a.name.localeCompare(b.name));
  }
  return diff;
}

/** True when applying the diff writes anything. */
export function changesAnything(diff: ManifestDiff): boolean {
  return diff.created.length + diff.updated.length + diff.deleted.length > 0;
}

/** One key per definition of a database: its collection and name. */
export function definitionKey(collection: string, name: string): string {
  return `${collection}\u0000${name}`;
}

function fieldsOf(doc: IndexDefinitionDocument): Required<Fields> {
  return { keys: doc.keys.map(({ field, value }) => ({ field, value })), options: { ...optionsOf(doc) } };
}

/**
 * Only what differs: the key as a whole (its order matters), each option on its own. An option only
 * in `before` was removed, one only in `after` added.
 */
export function changedFields(stored: Required<Fields>, wanted: Required<Fields>): { before: Fields; after: Fields } {
  const before: Fields = {};
  const after: Fields = {};
  if (stableStringify(stored.keys) !== stableStringify(wanted.keys)) {
    before.keys = stored.keys;
    after.keys = wanted.keys;
  }
  const optionsBefore: Record<string, unknown> = {};
  const optionsAfter: Record<string, unknown> = {};
  for (const option of new Set([...Object.keys(stored.options), ...Object.keys(wanted.options)])) {
    const was = stored.options[option];
    const becomes = wanted.options[option];
    if (stableStringify(was) === stableStringify(becomes)) continue;
    if (was !== undefined) optionsBefore[option] = was;
    if (becomes !== undefined) optionsAfter[option] = becomes;
  }
  if (Object.keys(optionsBefore).length > 0) before.options = optionsBefore;
  if (Object.keys(optionsAfter).length > 0) after.options = optionsAfter;
  return { before, after };
}
