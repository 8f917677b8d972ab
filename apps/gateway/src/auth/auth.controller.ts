import { Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
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
  type AccessTokenClaims,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import { ApiZodBody, jsonSchemaOf, ValidBody } from '../http/zod-body';
import { Principal, Public } from './authenticated';

const LogoutBody = z.strictObject({});

/** The original product's auth endpoints, answered by the auth service over the bus. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly bus: BusClient) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('register')
  @ApiOperation({
    summary:
      'Create an account: the first user of an empty system becomes its administrator; then AUTH_REGISTRATION decides (invite: with an invitation token)',
  })
  @ApiZodBody(RegisterRequest)
  @ApiOkResponse({ schema: jsonSchemaOf(Profile) })
  @ApiTooManyRequestsResponse()
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
  @ApiTooManyRequestsResponse()
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
  refresh(@ValidBody(RefreshRequest) body: z.output<typeof RefreshRequest>) {
    return this.bus.request(AuthRpc.refresh, body);
  }

  @Get('profile')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's profile" })
  @ApiOkResponse({ schema: jsonSchemaOf(Profile) })
  profile(@Principal() principal: AccessTokenClaims) {
    return this.bus.request(AuthRpc.getProfile, { user_id: principal.sub });
  }

  @Put('profile')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Update the caller's name or email" })
  @ApiZodBody(ProfileUpdateBody)
  @ApiOkResponse({ schema: jsonSchemaOf(Profile) })
  updateProfile(@Principal() principal: AccessTokenClaims, @ValidBody(ProfileUpdateBody) changes: z.output<typeof ProfileUpdateBody>) {
    return this.bus.request(AuthRpc.updateProfile, { user_id: principal.sub, changes });
  }

  @UseGuards(ThrottlerGuard)
  @Post('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Change the caller's password, given the current one; the caller's other sessions are revoked" })
  @ApiZodBody(PasswordChangeBody)
  @ApiOkResponse({ schema: jsonSchemaOf(PasswordChanged) })
  @ApiTooManyRequestsResponse()
  changePassword(@Principal() principal: AccessTokenClaims, @ValidBody(PasswordChangeBody) body: z.output<typeof PasswordChangeBody>) {
    return this.bus.request(AuthRpc.changePassword, { ...body, user_id: principal.sub, session_id: principal.sid });
  }

  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Revoke the caller's session: its refresh token and access tokens stop working" })
  logout(@Principal() principal: AccessTokenClaims, @ValidBody(LogoutBody) _body: z.output<typeof LogoutBody>) {
    return this.bus.request(AuthRpc.logout, { session_id: principal.sid, user_id: principal.sub });
  }
}
