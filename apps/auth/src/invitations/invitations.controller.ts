import { Controller } from '@nestjs/common';
import { AuthInvitationRpc, type RpcResponse } from '@ir/contracts';
import { AuditTrail, recordingDenials, requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { InvitationsService } from './invitations.service';

type Rpc = typeof AuthInvitationRpc;
type In<C extends { request: z.ZodType }> = z.output<C['request']>;

@Controller()
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly trail: AuditTrail,
  ) {}

  @RpcHandler(AuthInvitationRpc.create)
  create(body: In<Rpc['create']>): Promise<RpcResponse<Rpc['create']>> {
    const denial = {
      action: 'invitation.created',
      projectId: body.project_id ?? null,
      target: { kind: 'invitation', id: '', name: body.email },
      details: { role: body.role ?? null },
    } as const;
    return recordingDenials(this.trail, denial, () => this.invitations.create(requirePrincipal(), body));
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
    // Only an API key or a service is refused here (only a user accepts): no project is known yet.
    const denial = { action: 'invitation.accepted', projectId: null, target: { kind: 'invitation', id: '' } } as const;
    return recordingDenials(this.trail, denial, () => this.invitations.accept(requirePrincipal(), request.token));
  }
}
