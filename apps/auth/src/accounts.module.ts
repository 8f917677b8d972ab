import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { apiKeyModelProvider } from './api-keys/api-key.model';
import { ApiKeyRepository } from './api-keys/api-key.repository';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { invitationModelProvider } from './invitations/invitation.model';
import { InvitationRepository } from './invitations/invitation.repository';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationsService } from './invitations/invitations.service';
import { KeysModule, PasswordSealingModule } from './keys/keys.module';
import { membershipModelProvider } from './projects/membership.model';
import { MembershipRepository } from './projects/membership.repository';
import { MembersService } from './projects/members.service';
import { ProjectAccess } from './projects/project-access';
import { projectModelProvider } from './projects/project.model';
import { ProjectRepository } from './projects/project.repository';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { AccessTokenIssuer } from './sessions/access-token-issuer';
import { refreshTokenModelProvider } from './sessions/refresh-token.model';
import { RefreshTokenRepository } from './sessions/refresh-token.repository';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { FirstAdminService } from './system/first-admin.service';
import { systemStateModelProvider } from './system/system-state.model';
import { SystemStateRepository } from './system/system-state.repository';
import { PasswordChangeService } from './users/password-change.service';
import { RegistrationService } from './users/registration.service';
import { userModelProvider } from './users/user.model';
import { UserRepository } from './users/user.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Users and their sessions (refresh-token families), projects and their members, invitations and API keys. */
@Module({
  imports: [KeysModule, PasswordSealingModule],
  controllers: [UsersController, SessionsController, ProjectsController, InvitationsController, ApiKeysController],
  providers: [
    userModelProvider,
    refreshTokenModelProvider,
    systemStateModelProvider,
    projectModelProvider,
    membershipModelProvider,
    invitationModelProvider,
    apiKeyModelProvider,
    UserRepository,
    RefreshTokenRepository,
    SystemStateRepository,
    ProjectRepository,
    MembershipRepository,
    InvitationRepository,
    ApiKeyRepository,
    UsersService,
    RegistrationService,
    PasswordChangeService,
    SessionsService,
    AccessTokenIssuer,
    FirstAdminService,
    ProjectAccess,
    ProjectsService,
    MembersService,
    InvitationsService,
    ApiKeysService,
  ],
})
export class AccountsModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccountsModule.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: RefreshTokenRepository,
    private readonly sessions: SessionsService,
    private readonly firstAdmin: FirstAdminService,
    private readonly systemState: SystemStateRepository,
    private readonly projects: ProjectRepository,
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.users.ensureIndexes(this.logger);
    for (const repository of [this.systemState, this.projects, this.memberships, this.invitations, this.apiKeys]) {
      await repository.ensureIndexes(this.logger);
    }
    const { unsupportedTtl } = await this.tokens.ensureIndexes(this.logger);
    if (unsupportedTtl.length > 0) {
      this.purgeTimer = setInterval(() => {
        this.sessions.purgeExpired().catch((error: unknown) => this.logger.warn(`purging expired refresh tokens failed: ${String(error)}`));
      }, PURGE_INTERVAL_MS);
      this.purgeTimer.unref();
    }
    await this.firstAdmin.settleAtStart();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
