// `register`: an account on the server, the first step from nothing. The first user of an empty
// system becomes its administrator; later ones need an invitation (unless registration is open).
import type { Command } from 'commander';
import { apiClient, ok } from '../api-client';
import { CliError, EXIT } from '../cli-error';
import { readCredentials } from '../credentials';
import { action, examples } from '../context';
import { printJson, printLine } from '../output';
import { readSecret } from '../secret-input';

interface RegisterOptions {
  username: string;
  email: string;
  name?: string;
  invitation?: string;
  passwordStdin?: boolean;
}

/** Typed at a terminal, the password is asked twice: a typo would lock the account's owner out. */
async function newPassword(fromStdin: boolean): Promise<string> {
  const password = await readSecret('Password: ', fromStdin);
  if (!fromStdin && (await readSecret('Repeat the password: ', false)) !== password) throw new CliError('the passwords differ');
  return password;
}

export function registerRegister(program: Command): void {
  program
    .command('register')
    .description(
      'create an account: the first user of an empty system becomes its administrator; later, with an invitation token (--invitation)',
    )
    .requiredOption('-u, --username <name>', 'the username to log in with')
    .requiredOption('--email <address>', 'your email address (an invitation is for one address)')
    .option('--name <name>', 'your name, as others see it')
    .option('--invitation <token>', 'the invitation token (iri_...) you were given')
    .option('--password-stdin', 'read the password from standard input (else it is asked twice, without echo)')
    .addHelpText(
      'after',
      examples(
        'index-registry register --server http://localhost:3000 --username ann --email ann@example.com --name Ann',
        'index-registry register --server https://ir.example.com -u bob --email bob@example.com --invitation iri_...',
        'index-registry login --server https://ir.example.com --username bob',
      ) + '\nPasswords: at least 12 characters, and not a common or guessable one (the server says why it refuses one).\n',
    )
    .action(
      action(async (context, options: RegisterOptions) => {
        const server = context.options.server ?? readCredentials()?.server;
        if (!server) throw new CliError('--server is required', 'e.g. --server http://localhost:3000');
        const password = await newPassword(options.passwordStdin === true);
        const body = {
          username: options.username,
          email: options.email,
          password,
          ...(options.name ? { name: options.name } : {}),
          ...(options.invitation ? { invitation: options.invitation } : {}),
        };
        const account = await ok('registering', apiClient(server).POST('/api/doctor-manager-api/v1/auth/register', { body }));
        if (context.output === 'json') printJson(account);
        else {
          printLine(`Registered ${account.username} (user id ${account.id}) on ${server}.`);
          printLine(`Log in with: index-registry login --server ${server} --username ${account.username}`);
        }
        return EXIT.ok;
      }),
    );
}
