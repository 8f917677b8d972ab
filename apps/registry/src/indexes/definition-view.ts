import type { IndexDefinitionView } from '@ir/contracts';
import type { DefinitionOptions, IndexDefinition } from '@ir/index-core';
import type { IndexDefinitionDocument } from './index-definition.model';

export function toDefinitionView(doc: IndexDefinitionDocument): IndexDefinitionView {
  return {
    id: doc._id.toHexString(),
    database_id: doc.database_id.toHexString(),
    collection: doc.collection,
    name: doc.name,
    key_signature: doc.key_signature,
    keys: doc.keys.map(({ field, value }) => ({ field, value })),
    options: { ...optionsOf(doc) },
    created_at: doc.created_at.toISOString(),
    updated_at: doc.updated_at.toISOString(),
  };
}

/** The stored definition in the domain core's shape. */
export function toIndexDefinition(
  doc: Pick<IndexDefinitionDocument, 'name' | 'keys' | 'options_json'>,
): IndexDefinition & { name: string } {
  return { name: doc.name, keys: doc.keys.map(({ field, value }) => ({ field, value })), options: optionsOf(doc) };
}

export function optionsOf(doc: Pick<IndexDefinitionDocument, 'options_json'>): DefinitionOptions {
  return JSON.parse(doc.options_json) as DefinitionOptions;
}
