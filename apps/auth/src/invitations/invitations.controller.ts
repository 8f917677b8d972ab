import { Controller } from '@nestjs/common';
import { AuthInvitationRpc, type RpcResponse } from '@ir/contracts';
import { requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { InvitationsService } from './invitations.service';

type Rpc = typeof AuthInvitationRpc;
type In<C extends { request: z.ZodType }> = z.output<C['request']>;

@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @RpcHandler(AuthInvitationRpc.create)
  create(body: In<Rpc['create']>): Promise<RpcResponse<Rpc['create']>> {
    return this.invitations.create(requirePrincipal(), body);
  }

  @RpcHandler(AuthInvitationRpc.list)
  list(request: In<Rpc['list']>): Promise<RpcResponse<Rpc['list']>> {
    return this.invitations.list(requirePrincipal(), request.project_id);
  }

  @RpcHandler(AuthInvitationRpc.revoke)
  revoke(request: In<Rpc['revoke']>): Promise<RpcResponse<Rpc['revoke']>> {
    return this.invitations.revoke(requirePrincipal(), request.invitation_id);
  }

  @RpcHandler(AuthInvitationRpc.accept)
  accept(request: In<Rpc['accept']>): Promise<RpcResponse<Rpc['accept']>> {
    return this.invitations.accept(requirePrincipal(), request.token);
  }
}
