import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditPage, AuditQuery, AuditRpc } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { jsonSchemaOf } from '../http/zod-body';

/** The audit trail, answered by the audit service. Read only: no route changes or deletes an entry. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({
    summary:
      'Audit entries, newest first: of one project (project_id, needs audit:read there) or of every project where the caller has audit:read; filters actor_id, action, from, to; limit; a first page and after (the next_after of the page before) are keyset pages, fast at any depth, without a total; page (offset) or count=true on a first page answer a total, counted by reading every matching entry',
  })
  @RouteQuery(AuditQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(AuditPage) })
  @ApiErrors(403, 404)
  list(@ParsedQuery() query: z.output<typeof AuditQuery>) {
    return this.bus.request(AuditRpc.list, { ...query });
  }
}
