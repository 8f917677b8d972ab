import type { Command } from 'commander';
import { apiClient, ok } from '../api-client';
import { CliError, EXIT } from '../cli-error';
import { readCredentials, removeCredentials, writeCredentials, type Credentials } from '../credentials';
import { action, examples } from '../context';
import { printJson, printLine } from '../output';
import { readSecret } from '../secret-input';
import { tokenFields } from '../session';

interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  apiKey?: string;
}

export function registerAuth(program: Command): void {
  program
    .command('login')
    .description(
      'log in with a username and password (or store an API key); the credentials are kept in your config directory, readable only by you',
    )
    .option('-u, --username <name>', 'username or email')
    .option('--password-stdin', 'read the password from standard input')
    .option('--api-key <key>', "store a project's API key (irk_...) instead of logging in")
    .addHelpText(
      'after',
      examples(
        'index-registry login --server http://localhost:3000 --username ann',
        'echo "$PASSWORD" | index-registry login --server https://ir.example.com --username ann --password-stdin',
        'index-registry login --server https://ir.example.com --api-key "$IR_API_KEY"',
      ) + '\nCredentials: $XDG_CONFIG_HOME/index-registry/credentials.json (or ~/.config/...), mode 0600.\n',
    )
    .action(
      action(async (context, options: LoginOptions) => {
        const server = context.options.server ?? process.env.INDEX_REGISTRY_SERVER ?? readCredentials()?.server;
        if (!server) throw new CliError('--server is required for the first login', 'e.g. --server http://localhost:3000');
        const api = apiClient(server);
        let credentials: Credentials;
        if (options.apiKey) {
          const key = options.apiKey;
          await ok(
            'checking the API key',
            apiClient(server, () => Promise.resolve(key)).GET('/api/doctor-manager-api/v1/projects', { params: { query: { limit: 1 } } }),
          );
          credentials = { kind: 'api_key', server, api_key: key };
        } else {
          if (!options.username) throw new CliError('--username is required (or --api-key)');
          const fromEnv = options.passwordStdin ? undefined : process.env.INDEX_REGISTRY_PASSWORD;
          const password = fromEnv || (await readSecret('Password: ', options.passwordStdin === true));
          const tokens = await ok(
            'login',
            api.POST('/api/doctor-manager-api/v1/auth/login', { body: { login: options.username, password } }),
          );
          credentials = { kind: 'user', server, username: options.username, ...tokenFields(tokens) };
        }
        const file = writeCredentials(credentials);
        const who = credentials.kind === 'user' ? credentials.username : 'an API key';
        if (context.output === 'json') printJson({ server, kind: credentials.kind, credentials_file: file });
        else printLine(`Logged in to ${server} as ${who}. Credentials saved in ${file}`);
        return EXIT.ok;
      }),
    );

  program
    .command('logout')
    .description('revoke the session on the server and remove the stored credentials')
    .addHelpText('after', examples('index-registry logout'))
    .action(
      action(async (context) => {
        const stored = readCredentials();
        let revoked = false;
        if (stored?.kind === 'user') {
          // A server that cannot be reached must not keep the credentials on this machine.
          revoked = await ok('logout', context.session().api.POST('/api/doctor-manager-api/v1/auth/logout', { body: {} })).then(
            (answer) => answer.revoked,
            () => false,
          );
        }
        const removed = removeCredentials();
        if (context.output === 'json') printJson({ removed, revoked });
        else printLine(removed ? `Logged out${revoked ? ' (session revoked on the server)' : ''}.` : 'Nobody was logged in.');
        return EXIT.ok;
      }),
    );
}
