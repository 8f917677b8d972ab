import { Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  AuthRpc,
  LoginRequest,
  PasswordChangeBody,
  PasswordChanged,
  Profile,
  ProfileUpdateBody,
  RefreshRequest,
  RegisterRequest,
  TokenPair,
  DomainError,
  ErrorCode,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { ApiZodBody, ApiZodResponse, jsonSchemaOf, ValidBody } from '../http/zod-body';
import { Caller, Public, type AuthenticatedCaller } from './authenticated';
import { ProfileCache } from './profile-cache';

const LogoutBody = z.strictObject({});

/** The original product's auth endpoints, answered by the auth service over the bus. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly bus: BusClient,
    private readonly profiles: ProfileCache,
  ) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('register')
  @ApiOperation({
    summary:
      'Create an account: the first user of an empty system becomes its administrator; then AUTH_REGISTRATION decides (invite: with an invitation token)',
  })
  @ApiZodBody(RegisterRequest)
  @ApiCreatedResponse({ schema: jsonSchemaOf(Profile) })
  @ApiErrors(403, 404, 409, 429)
  register(@ValidBody(RegisterRequest) body: z.output<typeof RegisterRequest>) {
    return this.bus.request(AuthRpc.register, body);
  }

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username or email and password' })
  @ApiZodBody(LoginRequest)
  @ApiOkResponse({ schema: jsonSchemaOf(TokenPair) })
  @ApiErrors(401, 429)
  login(@ValidBody(LoginRequest) body: z.output<typeof LoginRequest>) {
    return this.bus.request(AuthRpc.login, body);
  }

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('refresh-token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (the refresh token rotates)' })
  @ApiZodBody(RefreshRequest)
  @ApiOkResponse({ schema: jsonSchemaOf(TokenPair) })
  @ApiErrors(401, 429)
  refresh(@ValidBody(RefreshRequest) body: z.output<typeof RefreshRequest>) {
    return this.bus.request(AuthRpc.refresh, body);
  }

  @Get('profile')
  @ApiOperation({ summary: "The caller's profile" })
  @ApiOkResponse({ schema: jsonSchemaOf(Profile) })
  @ApiErrors(404)
  profile(@Caller() { principal }: AuthenticatedCaller) {
    return this.profiles.of(principal.id);
  }

  @Put('profile')
  @ApiOperation({ summary: "Update the caller's name or email" })
  @ApiZodBody(ProfileUpdateBody)
  @ApiOkResponse({ schema: jsonSchemaOf(Profile) })
  @ApiErrors(404, 409)
  async updateProfile(
    @Caller() { principal }: AuthenticatedCaller,
    @ValidBody(ProfileUpdateBody) changes: z.output<typeof ProfileUpdateBody>,
  ) {
    this.profiles.forget(principal.id);
    try {
      return await this.bus.request(AuthRpc.updateProfile, { user_id: principal.id, changes });
    } finally {
      this.profiles.forget(principal.id);
    }
  }

  @UseGuards(ThrottlerGuard)
  @Post('password')
  @HttpCode(200)
  @ApiOperation({ summary: "Change the caller's password, given the current one; the caller's other sessions are revoked" })
  @ApiZodBody(PasswordChangeBody)
  @ApiOkResponse({ schema: jsonSchemaOf(PasswordChanged) })
  @ApiErrors(404, 409)
  changePassword(@Caller() caller: AuthenticatedCaller, @ValidBody(PasswordChangeBody) body: z.output<typeof PasswordChangeBody>) {
    if (!caller.sessionId) throw new DomainError(ErrorCode.validation, 'an API key has no password: log in as a user to change yours');
    return this.bus.request(AuthRpc.changePassword, { ...body, user_id: caller.principal.id, session_id: caller.sessionId });
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke the caller's session: its refresh token and access tokens stop working" })
  @ApiZodResponse(200, AuthRpc.logout.response)
  logout(@Caller() caller: AuthenticatedCaller, @ValidBody(LogoutBody) _body: z.output<typeof LogoutBody>) {
    if (!caller.sessionId) throw new DomainError(ErrorCode.validation, 'an API key has no session to log out of');
    return this.bus.request(AuthRpc.logout, { session_id: caller.sessionId, user_id: caller.principal.id });
  }
}
