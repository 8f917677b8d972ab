import { Controller } from '@nestjs/common';
import { AuthRpc, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { RpcHandler, SealOpener } from '@ir/messaging';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly sealed: SealOpener,
  ) {}

  @RpcHandler(AuthRpc.login)
  login(request: RpcRequest<typeof AuthRpc.login>): Promise<RpcResponse<typeof AuthRpc.login>> {
    return this.sessions.login(this.sealed.open(AuthRpc.login, request));
  }

  @RpcHandler(AuthRpc.refresh)
  refresh(request: RpcRequest<typeof AuthRpc.refresh>): Promise<RpcResponse<typeof AuthRpc.refresh>> {
    return this.sessions.refresh(request.refresh_token);
  }

  @RpcHandler(AuthRpc.logout)
  logout(request: RpcRequest<typeof AuthRpc.logout>): Promise<RpcResponse<typeof AuthRpc.logout>> {
    return this.sessions.logout(request.session_id, request.user_id);
  }
}
