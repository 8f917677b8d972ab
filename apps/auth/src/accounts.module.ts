import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ensureOwnIndexes } from '@ir/platform';
import { Connection } from 'mongoose';
import { KeysModule } from './keys/keys.module';
import { AccessTokenIssuer } from './sessions/access-token-issuer';
import { REFRESH_TOKEN_MODEL, refreshTokenModel } from './sessions/refresh-token.model';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { USER_MODEL, userModel } from './users/user.model';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Users and their sessions (refresh-token families). */
@Module({
  imports: [KeysModule],
  controllers: [UsersController, SessionsController],
  providers: [
    { provide: USER_MODEL, inject: [Connection], useFactory: userModel },
    { provide: REFRESH_TOKEN_MODEL, inject: [Connection], useFactory: refreshTokenModel },
    UsersService,
    SessionsService,
    AccessTokenIssuer,
  ],
})
export class AccountsModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccountsModule.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly connection: Connection,
    private readonly sessions: SessionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const models = [this.connection.model(USER_MODEL), this.connection.model(REFRESH_TOKEN_MODEL)];
    const { unsupportedTtl } = await ensureOwnIndexes(models, this.logger);
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
