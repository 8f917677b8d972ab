import { Controller } from '@nestjs/common';
import { AuthApiKeyRpc, type RpcResponse } from '@ir/contracts';
import { requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { ApiKeysService } from './api-keys.service';

type Rpc = typeof AuthApiKeyRpc;
type In<C extends { request: z.ZodType }> = z.output<C['request']>;

@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @RpcHandler(AuthApiKeyRpc.create)
  create({ project_id, ...body }: In<Rpc['create']>): Promise<RpcResponse<Rpc['create']>> {
    return this.keys.create(requirePrincipal(), project_id, body);
  }

  @RpcHandler(AuthApiKeyRpc.list)
  list(request: In<Rpc['list']>): Promise<RpcResponse<Rpc['list']>> {
    return this.keys.list(requirePrincipal(), request.project_id);
  }

  @RpcHandler(AuthApiKeyRpc.revoke)
  revoke(request: In<Rpc['revoke']>): Promise<RpcResponse<Rpc['revoke']>> {
    return this.keys.revoke(requirePrincipal(), request.project_id, request.key_id);
  }

  @RpcHandler(AuthApiKeyRpc.verify)
  verify(request: In<Rpc['verify']>): Promise<RpcResponse<Rpc['verify']>> {
    return this.keys.verify(request.key_hash);
  }
}
