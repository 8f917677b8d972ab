// What every command's action gets: the output mode and the session, from the global options.
import type { Command } from 'commander';
import { CliError } from './cli-error';
import type { OutputMode } from './output';
import { openSession, type Session } from './session';

export interface GlobalOptions {
  output: OutputMode;
  server?: string;
}

export interface Context {
  readonly output: OutputMode;
  readonly options: GlobalOptions;
  /** The logged-in session (or the API key of INDEX_REGISTRY_API_KEY); throws when there is none. */
  session(): Session;
}

export function contextOf(command: Command): Context {
  const options = command.optsWithGlobals<GlobalOptions>();
  if (options.output !== 'table' && options.output !== 'json') {
    throw new CliError(`--output must be table or json (got "${String(options.output)}")`);
  }
  let session: Session | undefined;
  return { output: options.output, options, session: () => (session ??= openSession({ server: options.server })) };
}

/** A command's action with its context; a number it returns becomes the exit code. */
export function action<A extends unknown[]>(handler: (context: Context, ...args: A) => Promise<number | void>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const code = await handler(contextOf(command), ...(args.slice(0, -1) as A));
    if (typeof code === 'number') process.exitCode = code;
  };
}

/** `--help` text that ends with examples. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
