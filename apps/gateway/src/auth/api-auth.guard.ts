import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError, ErrorCode } from '@ir/contracts';
import { actFor } from '@ir/messaging';
import { TokenExpiredError } from 'jsonwebtoken';
import { IS_PUBLIC, type AuthenticatedCaller, type AuthenticatedRequest } from './authenticated';
import { JwtStrategy } from './jwt.strategy';
import { VerifiedTokens } from './verified-tokens';

/**
 * Every route needs `Authorization: Bearer <access token or API key>` unless marked @Public(). The
 * caller the strategy establishes becomes the principal of every bus request the route makes.
 */
@Injectable()
export class ApiAuthGuard extends AuthGuard(['api-key', 'jwt']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifiedTokens: VerifiedTokens,
    private readonly jwt: JwtStrategy,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!BEARER.test(request.header('authorization') ?? '')) {
      throw new DomainError(ErrorCode.unauthenticated, 'missing or malformed Authorization: Bearer <token> header');
    }
    // An access token verified before skips passport; what may have changed since is checked again.
    const verified = this.verifiedTokens.recall(request.header('authorization')!.slice(BEARER_PREFIX.length));
    if (verified) {
      this.jwt.check(verified);
      request.user = verified.caller;
    } else {
      await super.canActivate(ctx);
    }
    const caller = request.user;
    if (caller) actFor(caller.principal);
    return true;
  }

  /**
   * Passport's verdicts in our words: our own errors as they are, any other failure a 401 that says
   * which. With two strategies, `info` holds each one's reason for not taking the token.
   */
  override handleRequest<T = AuthenticatedCaller>(error: unknown, caller: T | false, info: unknown): T {
    if (error instanceof DomainError) throw error;
    if (caller) return caller;
    const reasons = Array.isArray(info) ? info : [info];
    const ours = reasons.find((r): r is DomainError => r instanceof DomainError);
    if (ours) throw ours;
    throw new DomainError(
      ErrorCode.unauthenticated,
      reasons.some((r) => r instanceof TokenExpiredError) ? 'access token has expired' : 'access token is invalid',
    );
  }
}

const BEARER_PREFIX = 'Bearer ';
const BEARER = /^Bearer [A-Za-z0-9_.~+/-]+=*$/;
