import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { KeysModule } from './keys/keys.module';
import { AccessTokenIssuer } from './sessions/access-token-issuer';
import { refreshTokenModelProvider } from './sessions/refresh-token.model';
import { RefreshTokenRepository } from './sessions/refresh-token.repository';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { userModelProvider } from './users/user.model';
import { UserRepository } from './users/user.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Users and their sessions (refresh-token families). */
@Module({
  imports: [KeysModule],
  controllers: [UsersController, SessionsController],
  providers: [
    userModelProvider,
    refreshTokenModelProvider,
    UserRepository,
    RefreshTokenRepository,
    UsersService,
    SessionsService,
    AccessTokenIssuer,
  ],
})
export class AccountsModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccountsModule.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: RefreshTokenRepository,
    private readonly sessions: SessionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.users.ensureIndexes(this.logger);
    const { unsupportedTtl } = await this.tokens.ensureIndexes(this.logger);
    if (unsupportedTtl.length > 0) {
      this.purgeTimer = setInterval(() => {
        this.sessions.purgeExpired().catch((error: unknown) => this.logger.warn(`purging expired refresh tokens failed: ${String(error)}`));
      }, PURGE_INTERVAL_MS);
      this.purgeTimer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
