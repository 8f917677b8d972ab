import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode } from '@ir/contracts';
import { AccessTokenVerifier } from './access-token-verifier';
import { IS_PUBLIC, type AuthenticatedRequest } from './authenticated';

/** Every route needs `Authorization: Bearer <access token>` unless marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(req.header('authorization') ?? '');
    if (!match) throw new DomainError(ErrorCode.unauthenticated, 'missing or malformed Authorization: Bearer <token> header');
    req.principal = await this.verifier.verify(match[1]);
    return true;
  }
}
