// The auth service's parts on a real MongoDB (the unit project's FerretDB), in a database of their
// own, wired as the module wires them; the bus is a recorder of what was published. Only specs use it.
import type { EventContract, Principal, Role } from '@ir/contracts';
import { AuditTrail, type BusClient } from '@ir/messaging';
import { connectMongo } from '@ir/platform';
import { randomUUID } from 'node:crypto';
import { apiKeyModel } from '../api-keys/api-key.model';
import { ApiKeyRepository } from '../api-keys/api-key.repository';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { AuthConfig } from '../auth.config';
import { invitationModel } from '../invitations/invitation.model';
import { InvitationRepository } from '../invitations/invitation.repository';
import { InvitationsService } from '../invitations/invitations.service';
import { membershipModel } from '../projects/membership.model';
import { MembershipRepository } from '../projects/membership.repository';
import { MembersService } from '../projects/members.service';
import { ProjectAccess } from '../projects/project-access';
import { projectModel } from '../projects/project.model';
import { ProjectRepository } from '../projects/project.repository';
import { ProjectsService } from '../projects/projects.service';
import { FirstAdminService } from '../system/first-admin.service';
import { systemStateModel } from '../system/system-state.model';
import { SystemStateRepository } from '../system/system-state.repository';
import { RegistrationService } from '../users/registration.service';
import { userModel, type UserDocument } from '../users/user.model';
import { UserRepository } from '../users/user.repository';
import { UsersService } from '../users/users.service';

export interface Published {
  subject: string;
  payload: Record<string, unknown>;
  msgId: string;
}

/** The settings the services read, with the defaults of AuthConfig unless a spec says otherwise. */
export type WorldConfig = Pick<AuthConfig, 'AUTH_REGISTRATION' | 'AUTH_INVITATION_TTL' | 'AUTH_API_KEY_MAX_TTL'>;

const DAY = 86_400_000;

export async function openAuthWorld(name: string, overrides: Partial<WorldConfig> = {}) {
  const mongoUri = process.env.TEST_MONGODB_URI;
  if (!mongoUri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
  const mongo = await connectMongo({ uri: mongoUri, dbName: `ir_spec_${name}_${randomUUID().slice(0, 8)}` });
  const config = { AUTH_REGISTRATION: 'invite', AUTH_INVITATION_TTL: 7 * DAY, AUTH_API_KEY_MAX_TTL: 365 * DAY, ...overrides } as AuthConfig;

  const published: Published[] = [];
  const bus = {
    publish: async (contract: EventContract, payload: Record<string, unknown>, opts: { msgId: string }) => {
      contract.payload.parse(payload);
      published.push({ subject: contract.subject, payload, msgId: opts.msgId });
    },
  } as unknown as BusClient;

  const models = {
    users: userModel(mongo),
    system: systemStateModel(mongo),
    projects: projectModel(mongo),
    memberships: membershipModel(mongo),
    invitations: invitationModel(mongo),
    apiKeys: apiKeyModel(mongo),
  };
  for (const model of Object.values(models)) await model.syncIndexes();

  const trail = new AuditTrail(bus, 'auth');
  const users = new UserRepository(models.users);
  const system = new SystemStateRepository(models.system);
  const projects = new ProjectRepository(models.projects);
  const memberships = new MembershipRepository(models.memberships);
  const invitations = new InvitationRepository(models.invitations);
  const apiKeys = new ApiKeyRepository(models.apiKeys);
  const access = new ProjectAccess(projects);
  const members = new MembersService(access, memberships, users, bus, trail);
  const projectsService = new ProjectsService(projects, access, members, system, trail);
  const firstAdmin = new FirstAdminService(system, users, projects, members);
  const invitationsService = new InvitationsService(invitations, access, members, memberships, users, config, trail);
  const apiKeysService = new ApiKeysService(apiKeys, access, bus, config, trail);
  const usersService = new UsersService(users, bus);
  const registration = new RegistrationService(usersService, invitationsService, members, firstAdmin, config, trail);

  return {
    mongo,
    models,
    config,
    /** The recorder the services publish through (for services a spec wires itself). */
    bus,
    published,
    trail,
    repositories: { users, system, projects, memberships, invitations, apiKeys },
    projects: projectsService,
    members,
    firstAdmin,
    invitations: invitationsService,
    apiKeys: apiKeysService,
    registration,

    /** A user stored directly, as a registration would leave it, but for the policy. */
    async user(username: string, systemAdmin = false): Promise<UserDocument> {
      const now = new Date();
      const user: UserDocument = {
        _id: randomUUID(),
        email: `${username}@example.com`,
        username,
        username_key: username.toLowerCase(),
        name: null,
        password_hash: 'unused',
        system_admin: systemAdmin,
        created_at: now,
        updated_at: now,
      };
      await users.insert(user);
      return user;
    },

    /** The principal of a user as its access token (signed now) would make it. */
    async principalOf(user: Pick<UserDocument, '_id' | 'username'>): Promise<Principal> {
      const stored = await users.findById(user._id);
      return {
        kind: 'user',
        id: user._id,
        name: user.username,
        system_admin: stored?.system_admin === true,
        projects: await memberships.rolesOf(user._id),
      };
    },

    /** A project with these members, made by a system administrator of its own. */
    async project(name: string, roles: [UserDocument, Role][]): Promise<string> {
      const creator = await this.user(`creator_${randomUUID().slice(0, 8)}`, true);
      const project = await projectsService.create(await this.principalOf(creator), { name, description: '' });
      for (const [user, role] of roles) await members.grant(project.id, user._id, role);
      return project.id;
    },

    events(subject: string): Published[] {
      return published.filter((p) => p.subject === subject);
    },

    async close(): Promise<void> {
      await mongo.dropDatabase();
      await mongo.close();
    },
  };
}

export type AuthWorld = Awaited<ReturnType<typeof openAuthWorld>>;

/** The code of a rejection (and the rest of the DomainError's body), for `toMatchObject`. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
