// `api-keys create | list | revoke`: a project's keys for automation (CI sets INDEX_REGISTRY_API_KEY).
// The key is shown once, when created; lists never show a secret.
import type { Command } from 'commander';
import { ok } from '../api-client';
import { CliError } from '../cli-error';
import { action, examples } from '../context';
import { colors, printJson, printLine, printTable } from '../output';
import { projectOrOnly } from '../project-ref';
import { projectOption, roleOption, type Role } from '../roles';

const DURATION = /^(\d{1,4})([dh])$/;
const HOUR_MS = 3_600_000;

/** `--expires`: a duration from now (90d, 12h) or a date (2027-06-30, or with a time). */
export function expiryOf(text: string, now = Date.now()): string {
  const duration = DURATION.exec(text);
  if (duration) return new Date(now + Number(duration[1]) * (duration[2] === 'd' ? 24 : 1) * HOUR_MS).toISOString();
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at))
    throw new CliError(`--expires must be a duration such as 90d or 12h, or a date such as 2027-06-30 (got "${text}")`);
  return new Date(at).toISOString();
}

export function registerApiKeys(program: Command): void {
  const keys = program
    .command('api-keys')
    .description("a project's API keys, for automation (project admins)")
    .addHelpText(
      'after',
      examples(
        'index-registry api-keys create ci --role operator --expires 90d --project payments',
        'index-registry api-keys list --project payments',
      ),
    );

  keys
    .command('create')
    .description('create an API key with a role (at most yours) and an expiry; the key is shown this once')
    .argument('<name>', 'what it is for, e.g. ci')
    .addOption(roleOption('the role the key acts with').makeOptionMandatory())
    .requiredOption('--expires <when>', 'a duration (90d, 12h) or a date (2027-06-30); at most AUTH_API_KEY_MAX_TTL ahead')
    .addOption(projectOption())
    .addHelpText(
      'after',
      examples('index-registry api-keys create ci --role operator --expires 90d --project payments') +
        '\nIn CI: INDEX_REGISTRY_SERVER=<url> INDEX_REGISTRY_API_KEY=<key> index-registry ...\n',
    )
    .action(
      action(async (context, name: string, options: { role: Role; expires: string; project?: string }) => {
        const expiresAt = expiryOf(options.expires);
        const { api } = context.session();
        const project = await projectOrOnly(api, options.project);
        const created = await ok(
          'creating the API key',
          api.POST('/api/doctor-manager-api/v1/projects/{id}/api-keys', {
            params: { path: { id: project.id } },
            body: { name, role: options.role, expires_at: expiresAt },
          }),
        );
        if (context.output === 'json') return printJson(created);
        printLine(`Created API key ${created.name} (id ${created.id}) in ${project.name}: ${created.role} until ${created.expires_at}.`);
        printLine(`Key (shown this once, store it in your secret store now): ${created.key}`);
      }),
    );

  keys
    .command('list')
    .description("the project's API keys, revoked and expired ones included (never a secret)")
    .addOption(projectOption())
    .addHelpText('after', examples('index-registry api-keys list --project payments'))
    .action(
      action(async (context, options: { project?: string }) => {
        const { api } = context.session();
        const project = await projectOrOnly(api, options.project);
        const page = await ok(
          'listing the API keys',
          api.GET('/api/doctor-manager-api/v1/projects/{id}/api-keys', { params: { path: { id: project.id } } }),
        );
        if (context.output === 'json') return printJson(page.items);
        printTable(
          ['id', 'name', 'role', 'expires', 'last used', 'revoked'],
          page.items.map((k) => [k.id, k.name, k.role, k.expires_at, k.last_used_at, k.revoked_at ? colors.red(k.revoked_at) : '']),
        );
      }),
    );

  keys
    .command('revoke')
    .description('revoke an API key: gateways refuse it from then on')
    .argument('<key-id>', 'the key id (the 8 hex characters after irk_)')
    .addOption(projectOption())
    .addHelpText('after', examples('index-registry api-keys revoke 1a2b3c4d --project payments'))
    .action(
      action(async (context, keyId: string, options: { project?: string }) => {
        const { api } = context.session();
        const project = await projectOrOnly(api, options.project);
        const revoked = await ok(
          'revoking the API key',
          api.DELETE('/api/doctor-manager-api/v1/projects/{id}/api-keys/{key_id}', { params: { path: { id: project.id, key_id: keyId } } }),
        );
        if (context.output === 'json') return printJson(revoked);
        printLine(`Revoked API key ${keyId} of ${project.name}.`);
      }),
    );
}
