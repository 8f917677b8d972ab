import { Controller } from '@nestjs/common';
import { AuthMemberRpc, AuthProjectRpc, type RpcResponse } from '@ir/contracts';
import { requirePrincipal, RpcHandler } from '@ir/messaging';
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
  ) {}

  @RpcHandler(AuthProjectRpc.create)
  create(body: In<Projects['create']>): Promise<RpcResponse<Projects['create']>> {
    return this.projects.create(requirePrincipal(), body);
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
    return this.projects.update(requirePrincipal(), request.project_id, request.changes);
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
    return this.members.set(requirePrincipal(), request.project_id, request.user_id, request.role);
  }

  @RpcHandler(AuthMemberRpc.remove)
  removeMember(request: In<Members['remove']>): Promise<RpcResponse<Members['remove']>> {
    return this.members.remove(requirePrincipal(), request.project_id, request.user_id);
  }
}
