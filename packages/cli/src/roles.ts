// The options every project command shares: the project, and a role in it.
import { Option } from 'commander';

/** Each role holds what the ones before it hold (PERMISSIONS in libs/contracts/src/access.ts). */
export const ROLES = ['viewer', 'editor', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const projectOption = (): Option => new Option('-p, --project <project>', 'the project, id or name (default: your only project)');

export const roleOption = (description: string): Option => new Option('--role <role>', description).choices(ROLES);
