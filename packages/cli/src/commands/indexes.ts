// `indexes list | add | remove`: one definition at a time, for a quick change without a manifest
// file (the manifest is the reviewed way for many). Definitions only: the real indexes change when
// a sync (or a script) brings the database to its definitions.
import type { Command } from 'commander';
import { ok, type Api } from '../api-client';
import { CliError } from '../cli-error';
import { action, examples } from '../context';
import { resolveDatabase } from '../database-ref';
import { parseKeys } from '../index-keys';
import { notice, printJson, printLine, printTable } from '../output';

interface AddOptions {
  database: string;
  collection: string;
  keys: string;
  name?: string;
  unique?: boolean;
  sparse?: boolean;
  hidden?: boolean;
  ttl?: string;
  partial?: string;
}

function ttlSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0) throw new CliError(`--ttl must be a whole number of seconds (got "${text}")`);
  return seconds;
}

function partialFilter(text: string): Record<string, unknown> {
  let filter: unknown;
  try {
    filter = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--partial must be a JSON object, e.g. '{"status":"active"}': ${(error as Error).message}`);
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new CliError('--partial must be a JSON object');
  return filter as Record<string, unknown>;
}

/** The collection's definitions (at most 100: `search` narrows them by name and fields). */
async function definitions(api: Api, databaseId: string, collection: string, search?: string) {
  const page = await ok(
    `listing the definitions of ${collection}`,
    api.POST('/api/doctor-manager-api/v1/indexes/list-by-collection', {
      body: { database_id: databaseId, collection, limit: 100, ...(search ? { search } : {}) },
    }),
  );
  if (page.total > page.items.length) notice(`(the first ${page.items.length} of ${page.total} definitions)`);
  return page.items;
}

const keysText = (keys: readonly { field: string; value: number | string }[]): string => keys.map((k) => `${k.field}:${k.value}`).join(',');

export function registerIndexes(program: Command): void {
  const indexes = program
    .command('indexes')
    .description("a collection's index definitions, one at a time (for many, use manifest push)")
    .addHelpText(
      'after',
      examples(
        'index-registry indexes list -d orders-prod -c orders',
        'index-registry indexes add -d orders-prod -c orders --keys status:1,created_at:-1',
        'index-registry indexes remove status_1_created_at_-1 -d orders-prod -c orders',
      ) + '\nDefinitions only: a sync (index-registry sync) or a script brings the database to them.\n',
    );

  indexes
    .command('list')
    .description("a collection's index definitions")
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .requiredOption('-c, --collection <name>', 'the collection')
    .addHelpText('after', examples('index-registry indexes list -d orders-prod -c orders'))
    .action(
      action(async (context, options: { database: string; collection: string }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const items = await definitions(api, database.id, options.collection);
        if (context.output === 'json') return printJson(items);
        printTable(
          ['id', 'name', 'keys', 'options'],
          items.map((d) => [d.id, d.name, keysText(d.keys), Object.keys(d.options).length ? JSON.stringify(d.options) : '']),
        );
      }),
    );

  indexes
    .command('add')
    .description('define an index (its name is made from the keys unless --name gives one)')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .requiredOption('-c, --collection <name>', 'the collection')
    .requiredOption('-k, --keys <keys>', 'field:direction pairs in order: 1, -1, text, 2dsphere, 2d or hashed')
    .option('--name <name>', 'the index name')
    .option('--unique', 'a unique index')
    .option('--sparse', 'a sparse index')
    .option('--hidden', 'a hidden index (kept, not used by queries)')
    .option('--ttl <seconds>', 'expire documents this many seconds after the (date) field')
    .option('--partial <json>', 'a partial filter expression, as JSON')
    .addHelpText(
      'after',
      examples(
        'index-registry indexes add -d orders-prod -c orders --keys status:1,created_at:-1',
        'index-registry indexes add -d orders-prod -c users --keys email:1 --unique --partial \'{"deleted":false}\'',
      ),
    )
    .action(
      action(async (context, options: AddOptions) => {
        const keys = parseKeys(options.keys);
        const indexOptions = {
          ...(options.unique ? { is_unique: true } : {}),
          ...(options.sparse ? { sparse: true } : {}),
          ...(options.hidden ? { hidden: true } : {}),
          ...(options.ttl !== undefined ? { expire_after_seconds: ttlSeconds(options.ttl) } : {}),
          ...(options.partial !== undefined ? { partial_filter_expression: partialFilter(options.partial) } : {}),
        };
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const body = {
          database_id: database.id,
          collection: options.collection,
          keys: [...keys],
          ...(options.name ? { name: options.name } : {}),
          ...(Object.keys(indexOptions).length ? { options: indexOptions } : {}),
        };
        const created = await ok('defining the index', api.POST('/api/doctor-manager-api/v1/indexes', { body }));
        if (context.output === 'json') return printJson(created);
        printLine(`Defined ${created.collection}.${created.name} on ${database.name} (id ${created.id}).`);
      }),
    );

  indexes
    .command('remove')
    .description('delete a definition by its name (the real index stays until a sync drops it)')
    .argument('<name>', 'the index name, e.g. status_1_created_at_-1')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .requiredOption('-c, --collection <name>', 'the collection')
    .addHelpText('after', examples('index-registry indexes remove status_1_created_at_-1 -d orders-prod -c orders'))
    .action(
      action(async (context, name: string, options: { database: string; collection: string }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const definition = (await definitions(api, database.id, options.collection, name)).find((d) => d.name === name);
        if (!definition)
          throw new CliError(
            `no index named ${name} is defined on ${database.name}.${options.collection}`,
            `list them with: index-registry indexes list -d ${database.name} -c ${options.collection}`,
          );
        await ok(`deleting ${name}`, api.DELETE('/api/doctor-manager-api/v1/indexes/{id}', { params: { path: { id: definition.id } } }));
        if (context.output === 'json') return printJson({ id: definition.id, collection: options.collection, name, deleted: true });
        printLine(`Deleted the definition ${options.collection}.${name} of ${database.name}; a sync would drop the index.`);
      }),
    );
}
