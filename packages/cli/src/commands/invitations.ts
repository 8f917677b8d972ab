// `invitations create | list | revoke | accept`: bringing people in by email address. The token is
// shown once (the server keeps only its hash); the invited person registers with it, or accepts it
// when they have an account already.
import type { Command } from 'commander';
import { ok } from '../api-client';
import { action, examples } from '../context';
import { printJson, printLine, printTable } from '../output';
import { resolveProject } from '../project-ref';
import { projectOption, roleOption, type Role } from '../roles';
import { readSecret } from '../secret-input';

export function registerInvitations(program: Command): void {
  const invitations = program
    .command('invitations')
    .description('invite people by email address, into the system or into a project')
    .addHelpText(
      'after',
      examples(
        'index-registry invitations create bob@example.com --project payments --role operator',
        'index-registry invitations list --project payments',
      ),
    );

  invitations
    .command('create')
    .description('invite an email address: into the system (system administrators) or into a project with a role (project admins)')
    .argument('<email>', 'the address the invitation is for')
    .addOption(projectOption().default(undefined, 'none: into the system'))
    .addOption(roleOption('the role in the project (with --project)'))
    .addHelpText(
      'after',
      examples(
        'index-registry invitations create bob@example.com',
        'index-registry invitations create cy@example.com --project payments --role viewer',
      ) +
        '\nThe token is shown once: hand it to the person, who runs index-registry register --invitation <token>\n(or, with an account already, index-registry invitations accept).\n',
    )
    .action(
      action(async (context, email: string, options: { project?: string; role?: Role }) => {
        const { api } = context.session();
        const project = options.project ? await resolveProject(api, options.project) : undefined;
        const body = { email, ...(project ? { project_id: project.id } : {}), ...(options.role ? { role: options.role } : {}) };
        const invitation = await ok('inviting', api.POST('/api/doctor-manager-api/v1/invitations', { body }));
        if (context.output === 'json') return printJson(invitation);
        const into = project ? `${project.name} as ${invitation.role}` : 'the system';
        printLine(`Invited ${invitation.email} into ${into} until ${invitation.expires_at} (invitation ${invitation.id}).`);
        printLine(`Token (shown this once): ${invitation.token}`);
      }),
    );

  invitations
    .command('list')
    .description('the pending invitations you manage')
    .addOption(projectOption().default(undefined, 'all you manage'))
    .addHelpText('after', examples('index-registry invitations list --project payments'))
    .action(
      action(async (context, options: { project?: string }) => {
        const { api } = context.session();
        const project = options.project ? await resolveProject(api, options.project) : undefined;
        const page = await ok(
          'listing invitations',
          api.GET('/api/doctor-manager-api/v1/invitations', { params: { query: project ? { project_id: project.id } : {} } }),
        );
        if (context.output === 'json') return printJson(page.items);
        printTable(
          ['id', 'email', 'project', 'role', 'expires'],
          page.items.map((i) => [i.id, i.email, i.project_id ?? '(system)', i.role, i.expires_at]),
        );
      }),
    );

  invitations
    .command('revoke')
    .description('revoke a pending invitation')
    .argument('<id>', 'the invitation id')
    .addHelpText('after', examples('index-registry invitations revoke 665f1c2ab4d0c1e2f3a4b5c6'))
    .action(
      action(async (context, id: string) => {
        const answer = await ok(
          'revoking the invitation',
          context.session().api.DELETE('/api/doctor-manager-api/v1/invitations/{id}', { params: { path: { id } } }),
        );
        if (context.output === 'json') return printJson(answer);
        printLine(`Revoked invitation ${id}.`);
      }),
    );

  invitations
    .command('accept')
    .description("join the invitation's project, logged in with the invited address (the token is asked without echo)")
    .option('--token-stdin', 'read the token from standard input')
    .addHelpText('after', examples('echo "$TOKEN" | index-registry invitations accept --token-stdin'))
    .action(
      action(async (context, options: { tokenStdin?: boolean }) => {
        const token = await readSecret('Invitation token: ', options.tokenStdin === true, { what: 'token', stdinFlag: '--token-stdin' });
        const answer = await ok(
          'accepting the invitation',
          context.session().api.POST('/api/doctor-manager-api/v1/invitations/accept', { body: { token } }),
        );
        if (context.output === 'json') return printJson(answer);
        printLine('Invitation accepted. Log in again (index-registry login) for your session to carry the new role.');
      }),
    );
}
