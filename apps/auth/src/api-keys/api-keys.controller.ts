import { Controller } from '@nestjs/common';
import { AuthApiKeyRpc, type RpcResponse } from '@ir/contracts';
import { AuditTrail, recordingDenials, requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { ApiKeysService } from './api-keys.service';

type Rpc = typeof AuthApiKeyRpc;
type In<C extends { request: z.ZodType }> = z.output<C['request']>;

@Controller()
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly trail: AuditTrail,
  ) {}

  @RpcHandler(AuthApiKeyRpc.create)
  create({ project_id, ...body }: In<Rpc['create']>): Promise<RpcResponse<Rpc['create']>> {
    const denial = {
      action: 'api_key.created',
      projectId: project_id,
      target: { kind: 'api_key', id: '', name: body.name },
      details: { role: body.role },
    } as const;
    return recordingDenials(this.trail, denial, () => this.keys.create(requirePrincipal(), project_id, body));
  }

  @RpcHandler(AuthApiKeyRpc.list)
  list(request: In<Rpc['list']>): Promise<RpcResponse<Rpc['list']>> {
    return this.keys.list(requirePrincipal(), request.project_id);
  }

  @RpcHandler(AuthApiKeyRpc.revoke)
  revoke(request: In<Rpc['revoke']>): Promise<RpcResponse<Rpc['revoke']>> {
    const denial = { action: 'api_key.revoked', projectId: request.project_id, target: { kind: 'api_key', id: request.key_id } } as const;
    return recordingDenials(this.trail, denial, () => this.keys.revoke(requirePrincipal(), request.project_id, request.key_id));
  }

  @RpcHandler(AuthApiKeyRpc.verify)
  verify(request: In<Rpc['verify']>): Promise<RpcResponse<Rpc['verify']>> {
    return this.keys.verify(request.key_hash);
  }
}
