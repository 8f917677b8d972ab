import { postgresSchemaName } from '@ir/platform';

export { openPostgres } from '@ir/platform';

/** The oplog manager's schema: `<prefix>_entity_oplog`. */
export function schemaName(prefix: string): string {
  return postgresSchemaName(prefix, 'entity-oplog');
}
