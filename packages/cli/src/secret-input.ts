// Reading a password: from standard input when piped (--password-stdin, as `docker login` does), or
// typed at the terminal without echo.
import { CliError } from './cli-error';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Prompts at the terminal and reads a line without echoing it. */
export function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new CliError('no terminal to ask the password at', 'pipe it with --password-stdin');
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
        if (char === '\u0003') return done(new CliError('login cancelled'));
        if (char === '\u007f') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
