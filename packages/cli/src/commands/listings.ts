// The read-only listings: projects, databases with their drift state, and the audit log.
import type { Command } from 'commander';
import { ok } from '../api-client';
import { CliError } from '../cli-error';
import { action, examples } from '../context';
import { allDatabases, allDriftItems } from '../fleet';
import { colors, printJson, printTable } from '../output';

type DriftItem = { database_id: string; drift: boolean; failed: boolean; totals: Record<string, number>; compared_at: string };

function driftState(drift: DriftItem | undefined): string {
  if (!drift) return colors.dim('not compared');
  if (drift.failed) return colors.red('failed');
  return drift.drift ? colors.yellow('drifted') : colors.green('in sync');
}

function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100)
    throw new CliError(`${name} must be a whole number from 1 to 100 (got "${value}")`);
  return number;
}

/** Registers the listings; `projects` and `databases` are returned for their subcommands (create, add, ...). */
export function registerListings(program: Command): { projects: Command; databases: Command } {
  const projects = program
    .command('projects')
    .description('the projects you are a member of, with your role')
    .addHelpText('after', examples('index-registry projects', 'index-registry projects --output json'))
    .action(
      action(async (context) => {
        const page = await ok(
          'listing projects',
          context.session().api.GET('/api/doctor-manager-api/v1/projects', { params: { query: { limit: 100 } } }),
        );
        if (context.output === 'json') return printJson(page.items);
        printTable(
          ['id', 'name', 'role', 'description'],
          page.items.map((p) => [p.id, p.name, p.role ?? '', p.description]),
        );
      }),
    );

  const databases = program
    .command('databases')
    .description('the registered databases with their drift state (from the last compare)')
    .option('--project <id>', 'only the databases of this project')
    .option('--state <state>', 'only drifted, failed or in_sync databases')
    .addHelpText('after', examples('index-registry databases', 'index-registry databases --state drifted --output json'))
    .action(
      action(async (context, options: { project?: string; state?: string }) => {
        if (options.state && !['drifted', 'failed', 'in_sync'].includes(options.state))
          throw new CliError(`--state must be drifted, failed or in_sync (got "${options.state}")`);
        const { api } = context.session();
        const [databases, drift] = await Promise.all([allDatabases(api, options.project), allDriftItems(api, options.project)]);
        const byId = new Map<string, DriftItem>(drift.map((item) => [item.database_id, item]));
        const rows = databases
          .map((database) => ({ database, drift: byId.get(database.id) }))
          .filter(({ drift: d }) => !options.state || stateName(d) === options.state);
        if (context.output === 'json') {
          return printJson(
            rows.map(({ database, drift: d }) => ({
              id: database.id,
              name: database.name,
              db_name: database.db_name,
              project_id: database.project_id,
              protected: database.protected,
              drift: d ? { state: stateName(d), totals: d.totals, compared_at: d.compared_at } : null,
            })),
          );
        }
        printTable(
          ['id', 'name', 'db', 'protected', 'drift', 'missing', 'redundant', 'different', 'compared'],
          rows.map(({ database, drift: d }) => [
            database.id,
            database.name,
            database.db_name,
            database.protected ? 'yes' : '',
            driftState(d),
            d?.totals.missing,
            d?.totals.redundant,
            d?.totals.different,
            d?.compared_at,
          ]),
        );
      }),
    );

  program
    .command('audit')
    .description('the audit log: who changed what, when, with what outcome')
    .option('--project <id>', 'only this project')
    .option('--action <action>', 'only this action, e.g. sync.approved or manifest.applied')
    .option('--limit <n>', 'entries to show (1-100)', '20')
    .addHelpText('after', examples('index-registry audit', 'index-registry audit --action sync.approved --output json'))
    .action(
      action(async (context, options: { project?: string; action?: string; limit: string }) => {
        const query = {
          limit: positive('--limit', options.limit),
          ...(options.project ? { project_id: options.project } : {}),
          ...(options.action ? { action: options.action as never } : {}),
        };
        const page = await ok(
          'reading the audit log',
          context.session().api.GET('/api/doctor-manager-api/v1/audit', { params: { query } }),
        );
        if (context.output === 'json') return printJson(page.items);
        printTable(
          ['at', 'action', 'outcome', 'actor', 'target'],
          page.items.map((entry) => [
            entry.at,
            entry.action,
            entry.outcome === 'succeeded' ? entry.outcome : colors.red(entry.outcome),
            entry.actor ? `${entry.actor.kind}:${entry.actor.name}` : '',
            `${entry.target.kind}:${entry.target.name ?? entry.target.id}`,
          ]),
        );
      }),
    );
  return { projects, databases };
}

function stateName(drift: DriftItem | undefined): string {
  if (!drift) return 'not_compared';
  if (drift.failed) return 'failed';
  return drift.drift ? 'drifted' : 'in_sync';
}
