import { Controller } from '@nestjs/common';
import { AuthRpc, type ProfileUpdateBody, type RegisterRequest, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { RpcHandler, SealOpener } from '@ir/messaging';
import type { z } from 'zod';
import { PasswordChangeService } from './password-change.service';
import { RegistrationService } from './registration.service';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly registration: RegistrationService,
    private readonly passwords: PasswordChangeService,
    private readonly sealed: SealOpener,
  ) {}

  @RpcHandler(AuthRpc.register)
  register(request: RegisterRequest): Promise<RpcResponse<typeof AuthRpc.register>> {
    return this.registration.register(this.sealed.open(AuthRpc.register, request));
  }

  @RpcHandler(AuthRpc.getProfile)
  profile(request: RpcRequest<typeof AuthRpc.getProfile>): Promise<RpcResponse<typeof AuthRpc.getProfile>> {
    return this.users.profile(request.user_id);
  }

  @RpcHandler(AuthRpc.updateProfile)
  updateProfile(request: { user_id: string; changes: ProfileUpdateBody }): Promise<RpcResponse<typeof AuthRpc.updateProfile>> {
    return this.users.updateProfile(request.user_id, request.changes);
  }

  @RpcHandler(AuthRpc.changePassword)
  changePassword(request: z.output<typeof AuthRpc.changePassword.request>): Promise<RpcResponse<typeof AuthRpc.changePassword>> {
    return this.passwords.change(this.sealed.open(AuthRpc.changePassword, request));
  }
}
