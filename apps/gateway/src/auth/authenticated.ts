import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Principal } from '@ir/contracts';
import type { Request } from 'express';
import { PUBLIC_EXTENSION } from '../http/openapi-document';

export const IS_PUBLIC = Symbol('IS_PUBLIC');

/** Marks a route that needs no credentials (register, login, refresh, health), for the guard and the OpenAPI document. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));

/** Who called, as a passport strategy established it (`req.user`). */
export interface AuthenticatedCaller {
  readonly principal: Principal;
  /** The session of an access token; an API key has none. */
  readonly sessionId?: string;
}

export interface AuthenticatedRequest extends Request {
  user?: AuthenticatedCaller;
}

function callerOf(ctx: ExecutionContext): AuthenticatedCaller {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!caller) throw new Error('the caller was asked for on a public route');
  return caller;
}

/** The verified caller of the request. */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedCaller => callerOf(ctx));
