import { Controller, Delete, Get, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthMemberRpc,
  AuthProjectRpc,
  CreateProjectBody,
  ListProjectsQuery,
  MemberView,
  pageOf,
  ProjectId,
  ProjectView,
  SetMemberBody,
  UpdateProjectBody,
  UserId,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiZodBody, ApiZodResponse, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

/** Projects and their members, answered by the auth service. */
@ApiTags('projects')
@Controller('projects')
export class ProjectsController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: 'The projects the caller is a member of (a system administrator: all), by name (page, limit, search)' })
  @RouteQuery(ListProjectsQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(pageOf(ProjectView)) })
  list(@ParsedQuery() query: z.output<typeof ListProjectsQuery>) {
    return this.bus.request(AuthProjectRpc.list, { ...query });
  }

  @Post()
  @ApiOperation({ summary: 'Create a project (system administrators); its creator becomes its admin' })
  @ApiZodBody(CreateProjectBody)
  @ApiCreatedResponse({ schema: jsonSchemaOf(ProjectView) })
  @ApiErrors(403, 409)
  create(@ValidBody(CreateProjectBody) body: z.output<typeof CreateProjectBody>) {
    return this.bus.request(AuthProjectRpc.create, { ...body });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One project (404 unless the caller is a member)' })
  @ApiOkResponse({ schema: jsonSchemaOf(ProjectView) })
  @ApiErrors(404)
  get(@ValidParam('id', ProjectId) projectId: string) {
    return this.bus.request(AuthProjectRpc.get, { project_id: projectId });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename or describe a project (project:manage)' })
  @ApiZodBody(UpdateProjectBody)
  @ApiOkResponse({ schema: jsonSchemaOf(ProjectView) })
  @ApiErrors(403, 404, 409)
  update(@ValidParam('id', ProjectId) projectId: string, @ValidBody(UpdateProjectBody) changes: z.output<typeof UpdateProjectBody>) {
    return this.bus.request(AuthProjectRpc.update, { project_id: projectId, changes });
  }

  @Get(':id/members')
  @ApiOperation({ summary: "A project's members and their roles (any member)" })
  @ApiOkResponse({ schema: jsonSchemaOf(z.object({ items: z.array(MemberView) })) })
  @ApiErrors(404)
  members(@ValidParam('id', ProjectId) projectId: string) {
    return this.bus.request(AuthMemberRpc.list, { project_id: projectId });
  }

  @Put(':id/members/:user_id')
  @ApiOperation({ summary: "Add a member or change its role (members:manage; at most the caller's own role; the last admin stays admin)" })
  @ApiZodBody(SetMemberBody)
  @ApiOkResponse({ schema: jsonSchemaOf(MemberView) })
  @ApiErrors(403, 404, 409)
  setMember(
    @ValidParam('id', ProjectId) projectId: string,
    @ValidParam('user_id', UserId) userId: string,
    @ValidBody(SetMemberBody) body: z.output<typeof SetMemberBody>,
  ) {
    return this.bus.request(AuthMemberRpc.set, { project_id: projectId, user_id: userId, role: body.role });
  }

  @Delete(':id/members/:user_id')
  @ApiOperation({ summary: 'Remove a member (members:manage), or leave (your own user id); the last admin cannot go' })
  @ApiZodResponse(200, AuthMemberRpc.remove.response)
  @ApiErrors(403, 404, 409)
  removeMember(@ValidParam('id', ProjectId) projectId: string, @ValidParam('user_id', UserId) userId: string) {
    return this.bus.request(AuthMemberRpc.remove, { project_id: projectId, user_id: userId });
  }
}
