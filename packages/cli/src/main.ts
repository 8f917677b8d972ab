// index-registry: the Index Registry's command line, on a client generated from the gateway's
// OpenAPI document. commander parses the arguments and writes the help.
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './cli-error';
import { registerApiKeys } from './commands/api-keys';
import { registerAuth } from './commands/auth';
import { registerDatabases } from './commands/databases';
import { registerDrift } from './commands/drift';
import { registerIndexes } from './commands/indexes';
import { registerInvitations } from './commands/invitations';
import { registerListings } from './commands/listings';
import { registerManifest } from './commands/manifest';
import { registerProjects } from './commands/projects';
import { registerRegister } from './commands/register';
import { registerSync } from './commands/sync';
import { examples } from './context';
import { colors } from './output';

export function buildProgram(): Command {
  const program = new Command('index-registry')
    .description('Index Registry from the command line: drift, manifests, plans, scripts and syncs of your MongoDB indexes.')
    .version(VERSION)
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addOption(new Option('-s, --server <url>', 'the gateway URL (default: the one you logged in to)').env('INDEX_REGISTRY_SERVER'))
    // Every command's --help lists --output and --server, which every command takes.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      examples(
        'index-registry register --server http://localhost:3000 --username ann --email ann@example.com',
        'index-registry login --server http://localhost:3000 --username ann',
        'index-registry databases add --name orders-prod --db-name orders --protected',
        'index-registry databases',
        'index-registry manifest diff -d orders-prod -f indexes/orders-prod.yaml',
        'index-registry sync -d orders-prod --follow',
      ) +
        '\nEnvironment: INDEX_REGISTRY_SERVER, INDEX_REGISTRY_API_KEY (an API key instead of the stored login, for CI).' +
        '\nExit codes: 0 success (nothing to change), 2 something would change (diff, push --dry-run, compare), 1 an error, 130 interrupted.\n',
    );
  registerRegister(program);
  registerAuth(program);
  const listings = registerListings(program);
  registerProjects(listings.projects, program);
  registerDatabases(listings.databases);
  registerInvitations(program);
  registerApiKeys(program);
  registerIndexes(program);
  registerManifest(program);
  registerDrift(program);
  registerSync(program);
  for (const command of [program, ...allCommands(program)]) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

const VERSION = (require('../package.json') as { version: string }).version;

/** Runs the CLI; errors become one `error:` line (and a hint), never a stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}

function exitCodeOf(error: unknown): number {
  // commander has already printed its own message (unknown option, missing argument, --help).
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof CliError) {
    process.stderr.write(`${colors.red('error:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${colors.red('error:')} ${message}\n`);
  return EXIT.error;
}
