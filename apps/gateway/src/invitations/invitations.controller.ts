import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AcceptInvitationBody,
  AuthInvitationRpc,
  CreateInvitationBody,
  InvitationAccepted,
  InvitationCreated,
  InvitationView,
  ListInvitationsQuery,
  RecordId,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiZodBody, ApiZodResponse, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

/** Invitations into the system and into projects, answered by the auth service. */
@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: 'The pending invitations the caller manages (a project_id narrows them to one project)' })
  @RouteQuery(ListInvitationsQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(z.object({ items: z.array(InvitationView) })) })
  @ApiErrors(403, 404)
  list(@ParsedQuery() query: z.output<typeof ListInvitationsQuery>) {
    return this.bus.request(AuthInvitationRpc.list, { ...query });
  }

  @Post()
  @ApiOperation({
    summary:
      'Invite an email address: into the system (system administrators) or into a project with a role (members:manage); the token is shown this once',
  })
  @ApiZodBody(CreateInvitationBody)
  @ApiCreatedResponse({ schema: jsonSchemaOf(InvitationCreated) })
  @ApiErrors(403, 404, 409)
  create(@ValidBody(CreateInvitationBody) body: z.output<typeof CreateInvitationBody>) {
    return this.bus.request(AuthInvitationRpc.create, { ...body });
  }

  @Post('accept')
  @HttpCode(200)
  @ApiOperation({ summary: "Join the invitation's project, as the logged-in user the invitation's email address belongs to" })
  @ApiZodBody(AcceptInvitationBody)
  @ApiOkResponse({ schema: jsonSchemaOf(InvitationAccepted) })
  @ApiErrors(403, 404, 409)
  accept(@ValidBody(AcceptInvitationBody) body: z.output<typeof AcceptInvitationBody>) {
    return this.bus.request(AuthInvitationRpc.accept, { ...body });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a pending invitation' })
  @ApiZodResponse(200, AuthInvitationRpc.revoke.response)
  @ApiErrors(403, 404)
  revoke(@ValidParam('id', RecordId) invitationId: string) {
    return this.bus.request(AuthInvitationRpc.revoke, { invitation_id: invitationId });
  }
}
