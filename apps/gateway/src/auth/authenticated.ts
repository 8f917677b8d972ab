import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { principalOfClaims, type AccessTokenClaims, type Principal as BusPrincipal } from '@ir/contracts';
import type { Request } from 'express';

export const IS_PUBLIC = Symbol('IS_PUBLIC');

/** Marks a route that needs no access token (register, login, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export interface AuthenticatedRequest extends Request {
  principal?: AccessTokenClaims;
}

/** The verified claims of the caller's access token. */
export const Principal = createParamDecorator((_data: unknown, ctx: ExecutionContext): AccessTokenClaims => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('Principal used on a public route');
  return principal;
});

/**
 * Whom the request acts for, as the services' requests name it (`principal`): the user of the
 * verified access token, with its roles.
 */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): BusPrincipal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('Caller used on a public route');
  return principalOfClaims(principal);
});
