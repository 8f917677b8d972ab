// `sync`: starts a sync of a database to its design repository and follows it live (server-sent
// events); Ctrl-C stops following, never the sync. Protected databases wait for a second person's
// `sync approve`.
import type { Command } from 'commander';
import { ok, type Api } from '../api-client';
import { apiError, CliError, EXIT } from '../cli-error';
import { action, examples, type Context } from '../context';
import { resolveDatabase } from '../database-ref';
import { colors, notice, printJson, printLine, printTable } from '../output';
import { serverSentEvents } from '../server-sent-events';
import { progressDisplay, statusColour, TERMINAL_STATUSES, type SyncProgress } from '../sync-progress';

const INCLUDE = ['create', 'drop', 'modify'] as const;
type Include = (typeof INCLUDE)[number];

const followCommand = (id: string): string => `index-registry sync follow ${id}`;

function approvalHint(id: string): string {
  return `Sync ${id} is awaiting approval (the database is protected). Another operator approves it with\n  index-registry sync approve ${id}\nor rejects it with\n  index-registry sync reject ${id}`;
}

async function syncView(api: Api, id: string) {
  return ok(
    `reading sync ${id}`,
    api.GET('/api/doctor-manager-api/v1/indexes/sync-status/{sync_id}', { params: { path: { sync_id: id } } }),
  );
}

type SyncView = Awaited<ReturnType<typeof syncView>>;

function printView(context: Context, view: SyncView): void {
  if (context.output === 'json') return printJson(view);
  printLine(`Sync ${view.id}: ${statusColour(view.status)} ${view.progress}%${view.dry_run ? ' (dry run)' : ''}`);
  printTable(
    ['#', 'operation', 'collection', 'index', 'status', 'note'],
    view.steps.map((step) => [
      step.number,
      step.operation.kind,
      step.operation.collection,
      step.operation.index,
      stepColour(step.status),
      step.error ?? step.note ?? step.operation.unsupported ?? '',
    ]),
    '(no steps: nothing to change)',
  );
  if (view.error) printLine(colors.red(`error: ${view.error}`));
  if (view.approval?.state === 'awaiting') printLine(approvalHint(view.id));
}

function stepColour(status: string): string {
  if (status === 'done') return colors.green(status);
  return status === 'failed' ? colors.red(status) : status;
}

const outcome = (view: SyncView): number => (view.status === 'completed' ? EXIT.ok : EXIT.error);

/**
 * Follows the sync's events until it ends; on SIGINT stops following (the sync keeps running on the
 * server) and says how to follow it again.
 */
async function follow(context: Context, api: Api, id: string): Promise<number> {
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort();
  process.once('SIGINT', onInterrupt);
  const display = progressDisplay(id);
  let toldAwaiting = false;
  try {
    const { response, error } = await api.GET('/api/doctor-manager-api/v1/indexes/sync-status/{sync_id}/events', {
      params: { path: { sync_id: id } },
      headers: { Accept: 'text/event-stream' },
      parseAs: 'stream',
      signal: stop.signal,
    });
    if (!response.ok || !response.body) throw apiError(response.status, error, `following sync ${id}`);
    for await (const event of serverSentEvents(response.body)) {
      const update = JSON.parse(event.data) as SyncProgress;
      display.update(update);
      if (update.status === 'awaiting_approval' && !toldAwaiting) {
        toldAwaiting = true;
        notice(approvalHint(id));
      }
      if (TERMINAL_STATUSES.has(update.status)) break;
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    display.stop();
  }
  if (stop.signal.aborted) {
    notice(`\nStopped following; sync ${id} keeps running on the server. Follow it again with:\n  ${followCommand(id)}`);
    return EXIT.interrupted;
  }
  const view = await syncView(api, id);
  printView(context, view);
  return outcome(view);
}

function includeOf(value: string | undefined): Include[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value.split(',').map((kind) => kind.trim());
  const wrong = kinds.filter((kind) => !INCLUDE.includes(kind as Include));
  if (wrong.length > 0) throw new CliError(`--include takes ${INCLUDE.join(', ')} (got "${wrong.join(', ')}")`);
  return kinds as Include[];
}

interface StartOptions {
  database?: string;
  follow?: boolean;
  dryRun?: boolean;
  include?: string;
}

export function registerSync(program: Command): void {
  const sync = program
    .command('sync')
    .description('sync a database to its design repository (asynchronous; --follow shows its progress live)')
    .option('-d, --database <id-or-name>', 'the database to sync')
    .option('--follow', 'follow the progress until the sync ends (Ctrl-C stops following, not the sync)')
    .option('--dry-run', 'record what would be done and do nothing')
    .option('--include <kinds>', 'only these operations: create,drop,modify (default: all)')
    .addHelpText(
      'after',
      examples(
        'index-registry sync -d orders-prod --follow',
        'index-registry sync -d orders-prod --include create --output json',
        'index-registry sync follow 665f1c2ab4d0c1e2f3a4b5c6',
        'index-registry sync approve 665f1c2ab4d0c1e2f3a4b5c6 --follow',
      ) +
        '\nA sync of a protected database waits for another operator: `sync approve <id>` or `sync reject <id>`.' +
        '\nExit code: 0 started (or, followed, completed), 1 an error or a sync that did not complete, 130 stopped following (Ctrl-C).\n',
    )
    .action(
      action(async (context, options: StartOptions) => {
        if (!options.database)
          throw new CliError('--database is required to start a sync', 'or follow one: index-registry sync follow <id>');
        const { api } = context.session();
        const database = await resolveDatabase(api, options.database);
        const include = includeOf(options.include);
        const started = await ok(
          `starting a sync of ${database.name}`,
          api.POST('/api/doctor-manager-api/v1/indexes/sync-by-database', {
            body: { database_id: database.id, dry_run: options.dryRun === true, ...(include ? { include } : {}) },
          }),
        );
        if (options.follow) {
          notice(`Started sync ${started.sync_id} of ${database.name}.`);
          return follow(context, api, started.sync_id);
        }
        if (context.output === 'json') printJson(started);
        else {
          printLine(`Started sync ${started.sync_id} of ${database.name}: ${statusColour(started.status)}`);
          if (started.status === 'awaiting_approval') printLine(approvalHint(started.sync_id));
          else printLine(`Follow it with: ${followCommand(started.sync_id)}`);
        }
        return EXIT.ok;
      }),
    );

  sync
    .command('follow <sync-id>')
    .description("follow a sync's progress until it ends")
    .addHelpText('after', examples('index-registry sync follow 665f1c2ab4d0c1e2f3a4b5c6'))
    .action(action(async (context, id: string) => follow(context, context.session().api, id)));

  sync
    .command('status <sync-id>')
    .description("a sync's status and steps")
    .addHelpText('after', examples('index-registry sync status 665f1c2ab4d0c1e2f3a4b5c6 --output json'))
    .action(
      action(async (context, id: string) => {
        printView(context, await syncView(context.session().api, id));
      }),
    );

  for (const decision of ['approve', 'reject'] as const) {
    sync
      .command(`${decision} <sync-id>`)
      .description(decision === 'approve' ? 'approve a sync awaiting approval (not your own)' : 'reject a sync awaiting approval')
      .option('-m, --comment <text>', 'why, for the audit log')
      .option('--follow', 'then follow it until it ends')
      .addHelpText('after', examples(`index-registry sync ${decision} 665f1c2ab4d0c1e2f3a4b5c6 -m "reviewed in CHG-1234"`))
      .action(
        action(async (context, id: string, options: { comment?: string; follow?: boolean }) => {
          const { api } = context.session();
          const body = options.comment ? { comment: options.comment } : {};
          const path =
            decision === 'approve'
              ? '/api/doctor-manager-api/v1/indexes/sync-status/{sync_id}/approve'
              : '/api/doctor-manager-api/v1/indexes/sync-status/{sync_id}/reject';
          const view = await ok(
            `${decision === 'approve' ? 'approving' : 'rejecting'} sync ${id}`,
            api.POST(path, { params: { path: { sync_id: id } }, body }),
          );
          // `--follow` after the id may be taken by `sync` itself, which has the option too.
          if (decision === 'approve' && (options.follow || sync.opts<StartOptions>().follow)) return follow(context, api, id);
          printView(context, view);
          return EXIT.ok;
        }),
      );
  }
}
