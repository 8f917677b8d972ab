import { z } from 'zod';
import { Role } from './access';
import { UserId } from './auth';
import { defineEvent, defineRpc } from './bus';
import { MAX_OFFSET_RULE, pageOf, PagingFields, resolvePaging, withinMaxOffset } from './pagination';
import { RecordId } from './registry';
import { Streams } from './streams';

/**
 * Projects and their members, owned by the auth service. Every request acts for the caller it carries
 * (the bus's principal): a project it is no member of answers 404, a role too low for the operation
 * 403 naming the permission (`details.permission`).
 */

/** A project's id: an ObjectId in hex, as the registry's ids. */
export const ProjectId = RecordId;

const ProjectName = z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' });
const Description = z.string().max(1000, { error: 'must be at most 1000 characters' });

export const ProjectView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  created_at: z.string(),
  /** The user who created it. */
  created_by: z.string(),
  updated_at: z.string(),
  /** The caller's role in it; null for a system administrator who is no member. */
  role: Role.nullable(),
});
export type ProjectView = z.infer<typeof ProjectView>;

export const CreateProjectBody = z.strictObject({ name: ProjectName, description: Description.default('') });
export const UpdateProjectBody = z
  .strictObject({ name: ProjectName.optional(), description: Description.optional() })
  .refine((b) => b.name !== undefined || b.description !== undefined, {
    error: 'give at least one of name or description',
    path: ['name'],
  });
/** `GET /projects?page=&limit=&search=` */
export const ListProjectsQuery = z.strictObject({ page: PagingFields.page, limit: PagingFields.limit, search: PagingFields.search });

export const MemberView = z.object({
  user_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  email: z.string(),
  role: Role,
  added_at: z.string(),
  updated_at: z.string(),
});
export type MemberView = z.infer<typeof MemberView>;

/** `PUT /projects/:id/members/:user_id`: adds the user, or changes its role. */
export const SetMemberBody = z.strictObject({ role: Role });

const InProject = { project_id: ProjectId };

export const AuthProjectRpc = {
  /** System administrators only; the creator becomes the project's admin. */
  create: defineRpc('auth.rpc.project.create', CreateProjectBody, ProjectView),
  /** The projects the caller is a member of (a system administrator: all), by name. */
  list: defineRpc(
    'auth.rpc.project.list',
    ListProjectsQuery.transform(resolvePaging).refine(withinMaxOffset, MAX_OFFSET_RULE),
    pageOf(ProjectView),
  ),
  get: defineRpc('auth.rpc.project.get', z.strictObject(InProject), ProjectView),
  /** Needs `project:manage`. */
  update: defineRpc('auth.rpc.project.update', z.strictObject({ ...InProject, changes: UpdateProjectBody }), ProjectView),
  /**
   * For services: the project that holds what belongs to no project (databases from before projects
   * existed), created with the first user. 404 until someone has registered.
   */
  default: defineRpc('auth.rpc.project.default', z.strictObject({}), z.object({ id: z.string() })),
};

export const AuthMemberRpc = {
  /** Any member (`databases:read`). */
  list: defineRpc('auth.rpc.member.list', z.strictObject(InProject), z.object({ items: z.array(MemberView) })),
  /** Needs `members:manage`, and a role no higher than the caller's own; the last admin keeps the role. */
  set: defineRpc('auth.rpc.member.set', z.strictObject({ ...InProject, user_id: UserId, role: Role }), MemberView),
  /** Needs `members:manage`, or is the caller leaving; the last admin cannot be removed. */
  remove: defineRpc('auth.rpc.member.remove', z.strictObject({ ...InProject, user_id: UserId }), z.object({ removed: z.boolean() })),
};

/**
 * A user's roles changed (added, role changed, removed). When they were `reduced` (a lower role, or
 * none), its access tokens signed before `changed_at` carry rights it no longer has, so gateways
 * refuse them until the user refreshes; `granted` rights need a refresh to be used, and old tokens
 * stay good. Events stored before this distinction count as `reduced`.
 */
export const MembershipChanged = z.object({
  user_id: z.string(),
  project_id: z.string(),
  changed_at: z.string(),
  rights: z.enum(['granted', 'reduced']).default('reduced'),
});

export const MembershipEvents = {
  changed: defineEvent('auth.evt.membership.changed', Streams.authEvents.name, MembershipChanged),
};
