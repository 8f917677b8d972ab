// `--database` takes a database's id or its name, as people remember names and scripts keep ids.
import { ok, type Api } from './api-client';
import { CliError } from './cli-error';

const RECORD_ID = /^[0-9a-f]{24}$/i;

export interface DatabaseRef {
  readonly id: string;
  readonly name: string;
}

export async function resolveDatabase(api: Api, ref: string): Promise<DatabaseRef> {
  if (RECORD_ID.test(ref)) {
    const database = await ok(
      `reading database ${ref}`,
      api.GET('/api/doctor-manager-api/v1/databases/{id}', { params: { path: { id: ref } } }),
    );
    return { id: database.id, name: database.name };
  }
  const page = await ok('listing databases', api.POST('/api/doctor-manager-api/v1/databases/list', { body: { search: ref, limit: 100 } }));
  const named = page.items.filter((database) => database.name === ref);
  if (named.length === 0) throw new CliError(`no database named "${ref}" in your projects`, 'list them with: index-registry databases');
  if (named.length > 1) {
    const ids = named.map((database) => database.id).join(', ');
    throw new CliError(`${named.length} databases are named "${ref}" (${ids})`, 'pass the id to --database');
  }
  return { id: named[0].id, name: named[0].name };
}
