import { Controller } from '@nestjs/common';
import { AuthRpc, type ProfileUpdateBody, type RegisterRequest, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @RpcHandler(AuthRpc.register)
  register(request: RegisterRequest): Promise<RpcResponse<typeof AuthRpc.register>> {
    return this.users.register(request);
  }

  @RpcHandler(AuthRpc.getProfile)
  profile(request: RpcRequest<typeof AuthRpc.getProfile>): Promise<RpcResponse<typeof AuthRpc.getProfile>> {
    return this.users.profile(request.user_id);
  }

  @RpcHandler(AuthRpc.updateProfile)
  updateProfile(request: { user_id: string; changes: ProfileUpdateBody }): Promise<RpcResponse<typeof AuthRpc.updateProfile>> {
    return this.users.updateProfile(request.user_id, request.changes);
  }
}
