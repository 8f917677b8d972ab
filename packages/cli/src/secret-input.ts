// Reading a secret (a password, a connection URI): from standard input when piped (--password-stdin,
// --uri-stdin, as `docker login` does), or typed at the terminal without echo. Secrets are never
// printed back, nor written to the credentials file.
import { createInterface } from 'node:readline/promises';
import { CliError } from './cli-error';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** What to call the secret when there is no terminal to ask at, and which flag pipes it instead. */
export interface SecretSource {
  readonly what: string;
  readonly stdinFlag: string;
}

const PASSWORD: SecretSource = { what: 'password', stdinFlag: '--password-stdin' };

/** The secret from standard input when `fromStdin`, else asked at the terminal without echo. */
export async function readSecret(prompt: string, fromStdin: boolean, source: SecretSource = PASSWORD): Promise<string> {
  const secret = fromStdin ? await readStdin() : await promptHidden(prompt, source);
  if (!secret) throw new CliError(`the ${source.what} is empty`);
  return secret;
}

/** Prompts at the terminal and reads a line without echoing it. */
export function promptHidden(prompt: string, source: SecretSource = PASSWORD): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new CliError(`no terminal to ask the ${source.what} at`, `pipe it with ${source.stdinFlag}`);
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new CliError('cancelled'));
        if (char === '\u007f') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

/**
 * Asks the person at the terminal to type `expected` (a name) to go on: a destructive command's
 * confirmation. Without a terminal it refuses, naming the flag that confirms in advance.
 */
export async function confirmByTyping(question: string, expected: string, yesFlag = '--yes'): Promise<void> {
  if (!process.stdin.isTTY) throw new CliError('no terminal to ask for confirmation at', `pass ${yesFlag} to confirm in advance`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question}\nType "${expected}" to confirm: `);
    if (answer.trim() !== expected) throw new CliError('not confirmed: nothing was changed');
  } finally {
    prompt.close();
  }
}
