// `projects create` and `members list | add | set-role | remove`: who may do what in a project
// (roles viewer < editor < operator < admin; the server refuses a role above the caller's own).
import type { Command } from 'commander';
import { ok, type Api } from '../api-client';
import { CliError } from '../cli-error';
import { action, examples } from '../context';
import { printJson, printLine, printTable } from '../output';
import { projectOrOnly } from '../project-ref';
import { projectOption, ROLES, roleOption, type Role } from '../roles';
import { confirmByTyping } from '../secret-input';

/** User ids are UUIDs; anything else is taken for a username. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function membersOf(api: Api, projectId: string) {
  const page = await ok(
    'listing the members',
    api.GET('/api/doctor-manager-api/v1/projects/{id}/members', { params: { path: { id: projectId } } }),
  );
  return page.items;
}

/** A member by user id or username: people remember names, the API takes ids. */
async function memberId(api: Api, projectId: string, ref: string): Promise<string> {
  if (USER_ID.test(ref)) return ref;
  const member = (await membersOf(api, projectId)).find((m) => m.username === ref);
  if (!member) throw new CliError(`${ref} is not a member of the project`, 'list them with: index-registry members list');
  return member.user_id;
}

export function registerProjects(projects: Command, program: Command): void {
  projects
    .command('create')
    .description('create a project (system administrators); you become its admin')
    .argument('<name>', "the project's name")
    .option('--description <text>', 'what it holds')
    .addHelpText('after', examples('index-registry projects create payments --description "the money"'))
    .action(
      action(async (context, name: string, options: { description?: string }) => {
        const body = { name, ...(options.description !== undefined ? { description: options.description } : {}) };
        const project = await ok('creating the project', context.session().api.POST('/api/doctor-manager-api/v1/projects', { body }));
        if (context.output === 'json') return printJson(project);
        printLine(`Created project ${project.name} (id ${project.id}); you are its admin.`);
        printLine('Log in again (index-registry login) for your session to carry the new role.');
      }),
    );

  const members = program
    .command('members')
    .description("a project's members and their roles")
    .addHelpText(
      'after',
      examples('index-registry members list --project payments', 'index-registry members set-role bob --role viewer --project payments') +
        `\nRoles: ${ROLES.join(' < ')}; each holds what the ones before it hold.\n`,
    );

  members
    .command('list')
    .description("the project's members and their roles (any member)")
    .addOption(projectOption())
    .addHelpText('after', examples('index-registry members list --project payments'))
    .action(
      action(async (context, options: { project?: string }) => {
        const { api } = context.session();
        const project = await projectOrOnly(api, options.project);
        const items = await membersOf(api, project.id);
        if (context.output === 'json') return printJson(items);
        printTable(
          ['user id', 'username', 'name', 'email', 'role'],
          items.map((m) => [m.user_id, m.username, m.name, m.email, m.role]),
        );
      }),
    );

  for (const [name, description] of [
    ['add', 'add a registered user (by user id, as register printed it) with a role; to bring in an email address, use invitations create'],
    ['set-role', "change a member's role (the last admin stays admin)"],
  ] as const) {
    members
      .command(name)
      .description(description)
      .argument('<user>', name === 'add' ? 'user id' : 'user id or username')
      .addOption(roleOption('the role in the project').makeOptionMandatory())
      .addOption(projectOption())
      .addHelpText(
        'after',
        examples(
          `index-registry members ${name} ${name === 'add' ? '80578b77-4924-4e53-9ed5-ea6476a84919' : 'bob'} --role operator --project payments`,
        ),
      )
      .action(
        action(async (context, user: string, options: { role: Role; project?: string }) => {
          const { api } = context.session();
          const project = await projectOrOnly(api, options.project);
          const userId = name === 'add' ? user : await memberId(api, project.id, user);
          const member = await ok(
            name === 'add' ? 'adding the member' : 'changing the role',
            api.PUT('/api/doctor-manager-api/v1/projects/{id}/members/{user_id}', {
              params: { path: { id: project.id, user_id: userId } },
              body: { role: options.role },
            }),
          );
          if (context.output === 'json') return printJson(member);
          printLine(`${member.username} is ${member.role} in ${project.name}.`);
        }),
      );
  }

  members
    .command('remove')
    .description('remove a member (your own username: leave the project); the last admin cannot go')
    .argument('<user>', 'user id or username')
    .addOption(projectOption())
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', examples('index-registry members remove bob --project payments --yes'))
    .action(
      action(async (context, user: string, options: { project?: string; yes?: boolean }) => {
        const { api } = context.session();
        const project = await projectOrOnly(api, options.project);
        const userId = await memberId(api, project.id, user);
        if (!options.yes) await confirmByTyping(`This removes ${user} from ${project.name}.`, user);
        const removed = await ok(
          'removing the member',
          api.DELETE('/api/doctor-manager-api/v1/projects/{id}/members/{user_id}', {
            params: { path: { id: project.id, user_id: userId } },
          }),
        );
        if (context.output === 'json') return printJson({ project_id: project.id, user_id: userId, ...removed });
        printLine(removed.removed ? `Removed ${user} from ${project.name}.` : `${user} was not a member of ${project.name}.`);
      }),
    );
}
