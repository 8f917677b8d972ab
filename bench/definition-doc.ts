import { ObjectId } from 'mongodb';
import { canonicalFromDefinition, indexNameOf, keySignature, KEY_SIGNATURE_VERSION, type IndexDefinition } from '@ir/index-core';

/** The document the manifest apply stores for this key (IndexDefinitionRepository.insertAll). */
export function definitionDoc(databaseId: string, collection: string, key: Record<string, 1 | -1>, at: Date): Record<string, unknown> {
  const keys = Object.entries(key).map(([field, value]) => ({ field, value }));
  const definition: IndexDefinition = { keys };
  const name = indexNameOf(definition);
  return {
    _id: new ObjectId(),
    database_id: new ObjectId(databaseId),
    collection,
    name,
    name_generated: true,
    key_signature: keySignature(canonicalFromDefinition({ ...definition, name })),
    signature_version: KEY_SIGNATURE_VERSION,
    keys,
    options_json: '{}',
    created_at: at,
    updated_at: at,
  };
}
