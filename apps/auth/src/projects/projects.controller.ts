import { Controller } from '@nestjs/common';
import { AuthMemberRpc, AuthProjectRpc, type RpcResponse } from '@ir/contracts';
import { AuditTrail, recordingDenials, requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { MembersService } from './members.service';
import { ProjectsService } from './projects.service';

type Projects = typeof AuthProjectRpc;
type Members = typeof AuthMemberRpc;
type In<C extends { request: z.ZodType }> = z.output<C['request']>;

@Controller()
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly members: MembersService,
    private readonly trail: AuditTrail,
  ) {}

  @RpcHandler(AuthProjectRpc.create)
  create(body: In<Projects['create']>): Promise<RpcResponse<Projects['create']>> {
    const denial = { action: 'project.created', projectId: null, target: { kind: 'project', id: '', name: body.name } } as const;
    return recordingDenials(this.trail, denial, () => this.projects.create(requirePrincipal(), body));
  }

  @RpcHandler(AuthProjectRpc.list)
  list(query: In<Projects['list']>): Promise<RpcResponse<Projects['list']>> {
    return this.projects.list(requirePrincipal(), query);
  }

  @RpcHandler(AuthProjectRpc.get)
  get(request: In<Projects['get']>): Promise<RpcResponse<Projects['get']>> {
    return this.projects.get(requirePrincipal(), request.project_id);
  }

  @RpcHandler(AuthProjectRpc.update)
  update(request: In<Projects['update']>): Promise<RpcResponse<Projects['update']>> {
    const denial = {
      action: 'project.updated',
      projectId: request.project_id,
      target: { kind: 'project', id: request.project_id },
    } as const;
    return recordingDenials(this.trail, denial, () => this.projects.update(requirePrincipal(), request.project_id, request.changes));
  }

  @RpcHandler(AuthProjectRpc.default)
  defaultProject(): Promise<RpcResponse<Projects['default']>> {
    return this.projects.defaultProject();
  }

  @RpcHandler(AuthMemberRpc.list)
  listMembers(request: In<Members['list']>): Promise<RpcResponse<Members['list']>> {
    return this.members.list(requirePrincipal(), request.project_id);
  }

  @RpcHandler(AuthMemberRpc.set)
  setMember(request: In<Members['set']>): Promise<RpcResponse<Members['set']>> {
    const denial = async () =>
      ({
        action: await this.members.changeOf(request.project_id, request.user_id),
        projectId: request.project_id,
        target: { kind: 'member', id: request.user_id },
        details: { role: request.role },
      }) as const;
    return recordingDenials(this.trail, denial, () =>
      this.members.set(requirePrincipal(), request.project_id, request.user_id, request.role),
    );
  }

  @RpcHandler(AuthMemberRpc.remove)
  removeMember(request: In<Members['remove']>): Promise<RpcResponse<Members['remove']>> {
    const denial = { action: 'member.removed', projectId: request.project_id, target: { kind: 'member', id: request.user_id } } as const;
    return recordingDenials(this.trail, denial, () => this.members.remove(requirePrincipal(), request.project_id, request.user_id));
  }
}
