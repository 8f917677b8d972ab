import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { MessagingModule, NatsBus, NatsHealthIndicator } from '@ir/messaging';
import { AuditController } from './audit/audit.controller';
import { ApiAuthGuard } from './auth/api-auth.guard';
import { ApiKeyCache } from './auth/api-key-cache';
import { AuthEventsStream } from './auth/auth-events-stream';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { InvalidKeyLimiter } from './auth/invalid-key-limiter';
import { JwtStrategy } from './auth/jwt.strategy';
import { ProfileCache } from './auth/profile-cache';
import { VerifiedTokens } from './auth/verified-tokens';
import { StaleTokens } from './auth/stale-tokens';
import { TokenKeys } from './auth/token-keys';
import { AuthController } from './auth/auth.controller';
import { RevokedSessions } from './auth/revoked-sessions';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_CONFIG } from './gateway.tokens';
import { DatabasesController } from './databases/databases.controller';
import { ManifestController } from './databases/manifest.controller';
import { DriftController } from './drift/drift.controller';
import { EntitiesController } from './entities/entities.controller';
import { BackendHealthIndicator } from './health/backend.health';
import { HealthController } from './health/health.controller';
import { IndexesController } from './indexes/indexes.controller';
import { InvitationsController } from './invitations/invitations.controller';
import { ApiKeysController } from './projects/api-keys.controller';
import { ProjectsController } from './projects/projects.controller';
import { ImportsController } from './syncs/imports.controller';
import { SyncsController } from './syncs/syncs.controller';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { StrictQueryInterceptor } from './http/route-query';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, bus: NatsBus): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MessagingModule.forRoot({ bus, requestTimeoutMs: config.BUS_REQUEST_TIMEOUT, service: 'gateway' }),
        TerminusModule.forRoot({ logger: false }),
        // Named `default` so a 429 carries the standard `Retry-After` header (any other name suffixes it: `Retry-After-<name>`).
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: config.AUTH_RATE_LIMIT.windowMs, limit: config.AUTH_RATE_LIMIT.limit }],
        }),
      ],
      controllers: [
        AuthController,
        ProjectsController,
        ApiKeysController,
        InvitationsController,
        DatabasesController,
        ManifestController,
        DriftController,
        SyncsController,
        ImportsController,
        IndexesController,
        AuditController,
        EntitiesController,
        HealthController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: ApiAuthGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: StrictQueryInterceptor },
        NatsHealthIndicator,
        BackendHealthIndicator,
        RevokedSessions,
        AuthEventsStream,
        TokenKeys,
        StaleTokens,
        JwtStrategy,
        ApiKeyCache,
        ProfileCache,
        VerifiedTokens,
        InvalidKeyLimiter,
        ApiKeyStrategy,
      ],
    };
  }
}
