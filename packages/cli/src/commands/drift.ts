// compare, plan, script and import: the drift of a database and what to do about it.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ok } from '../api-client';
import { CliError, EXIT } from '../cli-error';
import { action, examples } from '../context';
import { resolveDatabase } from '../database-ref';
import { colors, notice, printJson, printLine, printTable } from '../output';

const SCRIPT_MODES = ['plan', 'create', 'drop', 'both'] as const;
type ScriptMode = (typeof SCRIPT_MODES)[number];

export function registerDrift(program: Command): void {
  program
    .command('compare')
    .description("the database's drift: per collection, the indexes missing, redundant and different from the design repository")
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .addHelpText(
      'after',
      examples('index-registry compare -d orders-prod', 'index-registry compare -d orders-prod --output json') +
        '\nExit code: 0 no drift, 2 drift found, 1 an error.\n',
    )
    .action(
      action(async (context, options: { database: string }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const summary = await ok(
          'the compare',
          api.POST('/api/doctor-manager-api/v1/indexes/compare-by-database', {
            params: { query: { view: 'summary' } },
            body: { database_id: database.id },
          }),
        );
        if (!('view' in summary)) throw new CliError('the server answered the full view to a summary request');
        const { totals } = summary;
        const drift = totals.missing + totals.redundant + totals.different + totals.failed_collections > 0;
        if (context.output === 'json') {
          printJson(summary);
          return drift ? EXIT.changes : EXIT.ok;
        }
        printTable(
          ['collection', 'status', 'missing', 'redundant', 'different', 'matched'],
          summary.collections.map((c) => [
            c.collection,
            c.status === 'ok' ? 'ok' : colors.red(c.status),
            c.counts.missing,
            c.counts.redundant,
            c.counts.different,
            c.counts.matched,
          ]),
        );
        for (const c of summary.collections) {
          for (const index of c.missing) printLine(colors.green(`  + ${c.collection}.${index.name}  (missing on the database)`));
          for (const index of c.different) {
            printLine(colors.yellow(`  ~ ${c.collection}.${index.name}  (different, matched by ${index.matched_by})`));
            for (const value of index.values)
              printLine(colors.yellow(`      ${value.option}: DR ${JSON.stringify(value.dr)}, database ${JSON.stringify(value.target)}`));
          }
          for (const index of c.redundant)
            printLine(colors.red(`  - ${c.collection}.${index.name}  (redundant: not in the design repository)`));
          if (c.error) printLine(colors.red(`  ! ${c.collection}: ${c.error.message}`));
        }
        printLine(
          `\n${database.name}: ${totals.missing} missing, ${totals.redundant} redundant, ${totals.different} different, ${totals.matched} matched (compared ${summary.compared_at}).`,
        );
        return drift ? EXIT.changes : EXIT.ok;
      }),
    );

  program
    .command('plan')
    .description('the ordered operations that would bring the database to the design repository, each with its reason')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .option('--collection <name...>', 'only these collections')
    .addHelpText(
      'after',
      examples('index-registry plan -d orders-prod', 'index-registry plan -d orders-prod --collection orders users --output json'),
    )
    .action(
      action(async (context, options: { database: string; collection?: string[] }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const plan = await ok(
          'the plan',
          api.POST('/api/doctor-manager-api/v1/indexes/plan', {
            body: { database_id: database.id, ...(options.collection ? { collections: options.collection } : {}) },
          }),
        );
        if (context.output === 'json') return printJson(plan);
        printTable(
          ['#', 'operation', 'collection', 'index', 'reason'],
          plan.operations.map((op, i) => [
            i + 1,
            op.kind,
            op.collection,
            op.index,
            op.unsupported ? `${op.reason} ${colors.red(`(this server cannot: ${op.unsupported})`)}` : op.reason,
          ]),
          'Nothing to do: the database matches the design repository.',
        );
        for (const warning of plan.warnings) printLine(colors.yellow(`warning: ${warning}`));
        for (const skipped of plan.skipped_collections) printLine(colors.yellow(`skipped ${skipped.collection}: ${skipped.reason}`));
      }),
    );

  program
    .command('script')
    .description('a mongosh script of the plan (idempotent, with guards), for a manual deployment')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .option('--mode <mode>', 'plan (every step), create (only creates), drop (only drops) or both', 'plan')
    .option('-f, --file <path>', 'write the script to this file instead of standard output')
    .addHelpText(
      'after',
      examples(
        'index-registry script -d orders-prod -f orders-prod.js',
        'index-registry script -d orders-prod --mode create | mongosh "$URI"',
      ),
    )
    .action(
      action(async (context, options: { database: string; mode: string; file?: string }) => {
        if (!SCRIPT_MODES.includes(options.mode as ScriptMode))
          throw new CliError(`--mode must be one of ${SCRIPT_MODES.join(', ')} (got "${options.mode}")`);
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const body = { database_id: database.id, mode: options.mode as ScriptMode };
        if (context.output === 'json' && !options.file)
          return printJson(await ok('the script', api.POST('/api/doctor-manager-api/v1/indexes/generate-script', { body })));
        const script = await ok(
          'the script',
          api.POST('/api/doctor-manager-api/v1/indexes/generate-script', {
            body,
            headers: { Accept: 'application/javascript' },
            parseAs: 'text',
          }),
        );
        if (!options.file) return void process.stdout.write(script);
        writeFileSync(options.file, script);
        if (context.output === 'json') printJson({ database_id: database.id, file: options.file, bytes: Buffer.byteLength(script) });
        else notice(`Wrote the mongosh script for ${database.name} to ${options.file}`);
      }),
    );

  program
    .command('import')
    .description('import the indexes the database already has into the design repository (reverse sync)')
    .requiredOption('-d, --database <id-or-name>', 'the database')
    .option('--dry-run', 'show what would be imported and change nothing')
    .option('--overwrite', 'overwrite definitions that differ from the live index (default: keep them)')
    .option('--collection <name...>', 'only these collections')
    .addHelpText(
      'after',
      examples('index-registry import -d legacy-db --dry-run', 'index-registry import -d legacy-db --collection orders'),
    )
    .action(
      action(async (context, options: { database: string; dryRun?: boolean; overwrite?: boolean; collection?: string[] }) => {
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const answer = await ok(
          options.dryRun ? 'the import dry run' : 'the import',
          api.POST('/api/doctor-manager-api/v1/indexes/sync-from-database', {
            body: {
              database_id: database.id,
              dry_run: options.dryRun === true,
              on_conflict: options.overwrite ? 'overwrite' : 'skip',
              ...(options.collection ? { collections: options.collection } : {}),
            },
          }),
        );
        if (context.output === 'json') return printJson(answer);
        const verb = options.dryRun ? 'would import' : 'imported';
        for (const index of answer.created ?? []) printLine(colors.green(`  + ${index.collection}.${index.name}`));
        for (const index of answer.differences ?? [])
          printLine(
            colors.yellow(
              `  ~ ${index.collection}.${index.name}  (differs from definition ${index.definition_name} in ${index.fields.join(', ')}: ${index.resolution})`,
            ),
          );
        for (const index of answer.skipped) printLine(colors.dim(`  = ${index.collection}.${index.name}  (${index.reason})`));
        for (const index of answer.failed) printLine(colors.red(`  ! ${index.collection}.${index.name}  (${index.reason})`));
        printLine(
          `\n${database.name}: ${verb} ${answer.counts.imported}, skipped ${answer.counts.skipped}, failed ${answer.counts.failed}.`,
        );
        return answer.counts.failed > 0 ? EXIT.error : EXIT.ok;
      }),
    );
}
