// `manifest pull | diff | push`: the design repository of a database as a file in git, and the
// reviewed way back (a dry run first, then the apply under the ETag the dry run was made against).
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { ok, type Api } from '../api-client';
import { apiError, CliError, EXIT } from '../cli-error';
import { action, examples, type Context } from '../context';
import { resolveDatabase } from '../database-ref';
import { hasChanges, renderDiff, type ManifestChanges } from '../manifest-diff';
import { colors, notice, printJson, printLine } from '../output';

interface ManifestFile {
  readonly text: string;
  readonly contentType: 'application/json' | 'application/yaml';
}

function readManifest(path: string): ManifestFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the manifest file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (extname(path).toLowerCase() === '.json') {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new CliError(`the manifest file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    return { text, contentType: 'application/json' };
  }
  return { text, contentType: 'application/yaml' };
}

/** The database's current version (ETag) and what applying the file would change, changing nothing. */
async function dryRun(api: Api, databaseId: string, file: ManifestFile): Promise<{ etag: string; changes: ManifestChanges }> {
  const current = await api.GET('/api/doctor-manager-api/v1/databases/{id}/manifest', { params: { path: { id: databaseId } } });
  if (!current.response.ok) throw apiError(current.response.status, current.error, 'reading the manifest');
  const etag = current.response.headers.get('etag') ?? '*';
  const changes = await apply(api, databaseId, file, { etag, dryRun: true, allowDeletions: true });
  return { etag, changes };
}

function apply(
  api: Api,
  databaseId: string,
  file: ManifestFile,
  { etag, dryRun, allowDeletions }: { etag: string; dryRun: boolean; allowDeletions: boolean },
): Promise<ManifestChanges> {
  return ok(
    dryRun ? 'the dry run of the manifest' : 'applying the manifest',
    api.PUT('/api/doctor-manager-api/v1/databases/{id}/manifest', {
      params: {
        path: { id: databaseId },
        query: { dry_run: dryRun ? 'true' : 'false', allow_deletions: allowDeletions ? 'true' : 'false' },
        header: { 'If-Match': etag },
      },
      // The file goes as written (YAML or JSON): the gateway parses and validates it.
      body: file.text as never,
      bodySerializer: (body: unknown) => body as string,
      headers: { 'Content-Type': file.contentType },
    }),
  );
}

function report(context: Context, changes: ManifestChanges, extra: Record<string, unknown> = {}): void {
  if (context.output === 'json') printJson({ ...changes, changes: hasChanges(changes), ...extra });
  else for (const line of renderDiff(changes, colors)) printLine(line);
}

export function registerManifest(program: Command): void {
  const manifest = program
    .command('manifest')
    .description("a database's index definitions as a manifest file (YAML or JSON): pull it, diff a file against it, push a file")
    .addHelpText(
      'after',
      examples(
        'index-registry manifest pull -d orders-prod -f indexes/orders-prod.yaml',
        'index-registry manifest diff -d orders-prod -f indexes/orders-prod.yaml',
        'index-registry manifest push -d orders-prod -f indexes/orders-prod.yaml --allow-deletions',
      ) + '\nExit codes of diff and push --dry-run: 0 nothing would change, 2 something would change, 1 an error.\n',
    );

  manifest
    .command('pull')
    .description("write the database's definitions as a manifest (YAML unless the file ends in .json)")
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .option('-f, --file <path>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      examples(
        'index-registry manifest pull -d orders-prod -f indexes/orders-prod.yaml',
        'index-registry manifest pull -d orders-prod > orders.yaml',
      ),
    )
    .action(
      action(async (context, options: { database: string; file?: string }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const json = context.output === 'json' || (options.file !== undefined && extname(options.file).toLowerCase() === '.json');
        const text = json
          ? `${JSON.stringify(await ok('reading the manifest', api.GET('/api/doctor-manager-api/v1/databases/{id}/manifest', { params: { path: { id: database.id } } })), null, 2)}\n`
          : await ok(
              'reading the manifest',
              api.GET('/api/doctor-manager-api/v1/databases/{id}/manifest', {
                params: { path: { id: database.id } },
                headers: { Accept: 'application/yaml' },
                parseAs: 'text',
              }),
            );
        if (options.file) {
          writeFileSync(options.file, text);
          notice(`Wrote the manifest of ${database.name} to ${options.file}`);
        } else process.stdout.write(text);
      }),
    );

  manifest
    .command('diff')
    .description('what pushing the file would change in the design repository (+ create, - delete, ~ change); changes nothing')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .requiredOption('-f, --file <path>', 'the manifest file')
    .addHelpText(
      'after',
      examples(
        'index-registry manifest diff -d orders-prod -f indexes/orders-prod.yaml',
        'index-registry manifest diff -d orders-prod -f orders.yaml --output json || echo "changes: $?"',
      ) + '\nExit code: 0 nothing would change, 2 something would change, 1 an error (for CI).\n',
    )
    .action(
      action(async (context, options: { database: string; file: string }) => {
        const file = readManifest(options.file);
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const { changes } = await dryRun(api, database.id, file);
        report(context, changes);
        return hasChanges(changes) ? EXIT.changes : EXIT.ok;
      }),
    );

  manifest
    .command('push')
    .description('apply the file to the design repository: shows the diff, then applies it (deletions only with --allow-deletions)')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .requiredOption('-f, --file <path>', 'the manifest file')
    .option('--dry-run', 'show what would change and change nothing (exit 2 when something would)')
    .option('--allow-deletions', 'delete the definitions the file leaves out')
    .addHelpText(
      'after',
      examples(
        'index-registry manifest push -d orders-prod -f indexes/orders-prod.yaml --dry-run',
        'index-registry manifest push -d orders-prod -f indexes/orders-prod.yaml --allow-deletions',
      ) + '\nExit code: 0 applied (or nothing to change), 2 --dry-run and something would change, 1 an error.\n',
    )
    .action(
      action(async (context, options: { database: string; file: string; dryRun?: boolean; allowDeletions?: boolean }) => {
        const file = readManifest(options.file);
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const { etag, changes } = await dryRun(api, database.id, file);
        if (!hasChanges(changes) || options.dryRun) {
          report(context, changes, { applied: false });
          return hasChanges(changes) ? EXIT.changes : EXIT.ok;
        }
        if (changes.deleted.length > 0 && !options.allowDeletions) {
          report(context, changes, { applied: false });
          throw new CliError(
            `the manifest leaves out ${changes.deleted.length} definition(s) of ${database.name} (marked - above); nothing was applied`,
            'pass --allow-deletions to delete them, or add them to the file',
          );
        }
        // Under the version the diff was made against: a change made meanwhile is refused (412), not overwritten.
        const applied = await apply(api, database.id, file, { etag, dryRun: false, allowDeletions: options.allowDeletions === true });
        report(context, applied, { applied: true });
        if (context.output === 'table') printLine(colors.green(`Applied to ${database.name}.`));
        return EXIT.ok;
      }),
    );
}
