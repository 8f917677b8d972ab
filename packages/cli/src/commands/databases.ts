// `databases add | update | remove | test`: registering the target databases. Their connection URI
// holds a password, so it is read as a secret (asked without echo, or piped with --uri-stdin) and is
// never printed: the gateway answers with it redacted, and seals it before it crosses the bus.
import type { Command } from 'commander';
import { ok } from '../api-client';
import { CliError, EXIT } from '../cli-error';
import { action, examples, type Context } from '../context';
import { resolveDatabase } from '../database-ref';
import { printJson, printLine } from '../output';
import { resolveProject } from '../project-ref';
import { confirmByTyping, readSecret } from '../secret-input';

const URI_SECRET = { what: 'connection URI', stdinFlag: '--uri-stdin' };
const URI_PROMPT = 'MongoDB URI (mongodb://user:password@host:port/...): ';

interface AddOptions {
  name: string;
  dbName: string;
  project?: string;
  description?: string;
  uriStdin?: boolean;
  protected?: boolean;
  importIndexes?: boolean;
}

interface UpdateOptions {
  name?: string;
  dbName?: string;
  description?: string;
  uri?: boolean;
  uriStdin?: boolean;
  protected?: boolean;
}

type Server = { kind: string; version: string | null } | null;
const serverName = (server: Server): string => (server ? `${server.kind} ${server.version ?? ''}`.trim() : 'an unknown server');

export function registerDatabases(databases: Command): void {
  databases
    .command('add')
    .description('register a target database; the server tests its connection first and saves nothing when it fails')
    .requiredOption('--name <name>', 'the name you will refer to it by (e.g. orders-prod)')
    .requiredOption('--db-name <db>', 'the database on the MongoDB server')
    .option('--project <project>', 'the project (id or name) it belongs to (default: your only project, or default)')
    .option('--description <text>', 'what it is')
    .option('--uri-stdin', 'read the connection URI from standard input (else it is asked without echo)')
    .option('--protected', 'a sync that drops, hides or rebuilds needs a second operator to approve it')
    .option('--import-indexes', 'import the indexes the database already has into its definitions')
    .addHelpText(
      'after',
      examples(
        'index-registry databases add --name orders-prod --db-name orders --project payments --protected',
        'echo "$ORDERS_URI" | index-registry databases add --name orders-prod --db-name orders --uri-stdin --import-indexes',
      ),
    )
    .action(
      action(async (context, options: AddOptions) => {
        const { api } = context.session();
        const project = options.project ? await resolveProject(api, options.project) : undefined;
        const uri = await readSecret(URI_PROMPT, options.uriStdin === true, URI_SECRET);
        const body = {
          name: options.name,
          db_name: options.dbName,
          uri,
          protected: options.protected === true,
          import_indexes: options.importIndexes === true,
          ...(project ? { project_id: project.id } : {}),
          ...(options.description !== undefined ? { description: options.description } : {}),
        };
        const created = await ok('registering the database', api.POST('/api/doctor-manager-api/v1/databases', { body }));
        if (context.output === 'json') return printJson(created);
        printLine(
          `Registered ${created.name} (id ${created.id}) on ${serverName(created.server)}${created.protected ? ', protected' : ''}.`,
        );
        if (created.import_id)
          printLine(`Importing its live indexes into its definitions in the background (import ${created.import_id}).`);
      }),
    );

  databases
    .command('update')
    .description("change a database's name, description, connection or protection (a new connection is tested first)")
    .argument('<database>', 'id or name')
    .option('--name <name>', 'a new name')
    .option('--db-name <db>', 'a new database on the server')
    .option('--description <text>', 'a new description')
    .option('--uri', 'ask for a new connection URI (without echo)')
    .option('--uri-stdin', 'read a new connection URI from standard input')
    .option('--protected', 'make syncs that drop, hide or rebuild wait for a second operator')
    .option('--no-protected', 'no second operator needed')
    .addHelpText(
      'after',
      examples(
        'index-registry databases update orders-prod --protected',
        'echo "$NEW_URI" | index-registry databases update orders-prod --uri-stdin',
      ),
    )
    .action(
      action(async (context, ref: string, options: UpdateOptions) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, ref);
        const newUri = options.uri || options.uriStdin ? await readSecret(URI_PROMPT, options.uriStdin === true, URI_SECRET) : undefined;
        const body = {
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.dbName !== undefined ? { db_name: options.dbName } : {}),
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(newUri !== undefined ? { uri: newUri } : {}),
          ...(options.protected !== undefined ? { protected: options.protected } : {}),
        };
        if (Object.keys(body).length === 0)
          throw new CliError(
            'nothing to change',
            'give --name, --db-name, --description, --uri, --uri-stdin, --protected or --no-protected',
          );
        const updated = await ok(
          `updating ${database.name}`,
          api.PUT('/api/doctor-manager-api/v1/databases/{id}', { params: { path: { id: database.id } }, body }),
        );
        if (context.output === 'json') return printJson(updated);
        printLine(`Updated ${updated.name} (id ${updated.id})${updated.protected ? ': protected' : ''}.`);
      }),
    );

  databases
    .command('remove')
    .description('unregister a database and delete its index definitions (the database itself is not touched)')
    .argument('<database>', 'id or name')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      examples('index-registry databases remove orders-old', 'index-registry databases remove 665f1c2ab4d0c1e2f3a4b5c6 --yes'),
    )
    .action(
      action(async (context, ref: string, options: { yes?: boolean }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, ref);
        if (!options.yes) await confirmByTyping(`This unregisters ${database.name} and deletes its index definitions.`, database.name);
        const removed = await ok(
          `removing ${database.name}`,
          api.DELETE('/api/doctor-manager-api/v1/databases/{id}', { params: { path: { id: database.id } } }),
        );
        if (context.output === 'json') return printJson({ id: database.id, name: database.name, ...removed });
        printLine(`Removed ${database.name} and its ${removed.index_definitions_deleted} index definition(s).`);
      }),
    );

  databases
    .command('test')
    .description("test a registered database's connection: list its collections")
    .argument('<database>', 'id or name')
    .addHelpText('after', examples('index-registry databases test orders-prod'))
    .action(action((context, ref: string) => testConnection(context, ref)));
}

async function testConnection(context: Context, ref: string): Promise<number> {
  const { api } = context.session();
  const database = await resolveDatabase(api, ref);
  const listed = await ok(
    `connecting to ${database.name}`,
    api.POST('/api/doctor-manager-api/v1/databases/collections/list', { body: { database_id: database.id } }),
  );
  const details = await ok(
    `reading ${database.name}`,
    api.GET('/api/doctor-manager-api/v1/databases/{id}', { params: { path: { id: database.id } } }),
  );
  if (context.output === 'json')
    printJson({ id: database.id, name: database.name, connected: true, server: details.server, collections: listed.collections });
  else printLine(`Connected to ${database.name} (${serverName(details.server)}): ${listed.collections.length} collection(s).`);
  return EXIT.ok;
}
