// Renders the NATS users and permissions of libs/contracts/src/bus-access.ts as nats-server configuration:
// deploy/nats-authorization.conf (make start, the tests, docker compose) and the Helm chart's copy are this text.
import { join } from 'node:path';
import { BUS_USERS, busPermissions, passwordVariableOf, type BusUser, type SubjectRules } from '../../libs/contracts/src/bus-permissions';
import { repoRoot } from './repo-root';

/** Where the rendered configuration is kept; `npm run bus:config` writes both, a spec checks they are current. */
export const NATS_AUTHORIZATION_FILES = [
  join(repoRoot, 'deploy', 'nats-authorization.conf'),
  join(repoRoot, 'deploy', 'helm', 'index-registry', 'files', 'nats-authorization.conf'),
];

const HEADER = [
  '# The users of the closed bus and what each may do on it. Generated from libs/contracts/src/bus-access.ts',
  '# by `npm run bus:config`; do not edit. Each password comes from the environment variable named beside',
  '# it (nats-server reads them at start). A connection without a user is refused.',
];

export function renderNatsAuthorization(): string {
  return [...HEADER, 'authorization {', '  users: [', ...BUS_USERS.flatMap(renderUser), '  ]', '}', ''].join('\n');
}

function renderUser(user: BusUser): string[] {
  const permissions = busPermissions(user);
  const head = [`      user: ${JSON.stringify(user)}`, `      password: $${passwordVariableOf(user)}`];
  if (!permissions) return ['    {', ...head, '      # every subject: for the people who operate NATS, never a service', '    }'];
  return [
    '    {',
    ...head,
    '      permissions: {',
    ...rules('publish', permissions.publish),
    ...rules('subscribe', permissions.subscribe),
    ...(permissions.allow_responses ? ['        allow_responses: true'] : []),
    '      }',
    '    }',
  ];
}

function rules(kind: 'publish' | 'subscribe', subjects: SubjectRules): string[] {
  const list = (name: string, items: readonly string[]) => [
    `          ${name}: [`,
    ...items.map((subject) => `            ${JSON.stringify(subject)}`),
    '          ]',
  ];
  return [`        ${kind}: {`, ...list('allow', subjects.allow), ...(subjects.deny ? list('deny', subjects.deny) : []), '        }'];
}
