import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateEntityBody,
  EntityName,
  EntityRpc,
  EntityView,
  ListEntitiesQuery,
  OplogManyBody,
  OplogPage,
  OplogQuery,
  RecreateAccepted,
  RefreshAccepted,
  RefreshQuery,
  ReplicationStats,
  SystemStats,
  UpdateEntityBody,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { EXAMPLES } from '../http/openapi-examples';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiZodBody, ApiZodResponse, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

/** Entity caches (issue 16): entities, their oplogs and replication, answered by entity-oplog. */
@ApiTags('entities')
@Controller()
export class EntitiesController {
  constructor(private readonly bus: BusClient) {}

  @Get('entities')
  @ApiOperation({ summary: 'The entities of the projects where the caller reads entities (or of project_id)' })
  @RouteQuery(ListEntitiesQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(z.object({ items: z.array(EntityView) })) })
  list(@ParsedQuery() query: z.output<typeof ListEntitiesQuery>) {
    return this.bus.request(EntityRpc.list, query);
  }

  @Post('entities')
  @ApiOperation({
    summary:
      'Define an entity on a collection of a registered database (entities:write in its project): its collection is scanned, then its changes are captured',
  })
  @ApiZodBody(CreateEntityBody, { example: EXAMPLES.createEntity })
  @ApiCreatedResponse({ schema: jsonSchemaOf(EntityView) })
  @ApiErrors(403, 404, 409)
  create(@ValidBody(CreateEntityBody) body: z.output<typeof CreateEntityBody>) {
    return this.bus.request(EntityRpc.create, body);
  }

  @Post('entities/oplog')
  @HttpCode(200)
  @ApiOperation({ summary: "Several entities' oplog entries after an id, merged in id order (at most limit, 1000)" })
  @ApiZodBody(OplogManyBody)
  @ApiOkResponse({ schema: jsonSchemaOf(OplogPage) })
  @ApiErrors(404)
  oplogMany(@ValidBody(OplogManyBody) body: z.output<typeof OplogManyBody>) {
    return this.bus.request(EntityRpc.oplogMany, body);
  }

  @Get('entity-caches/stats')
  @ApiOperation({ summary: "System statistics: the caller's entities by state, their oplog and staging entries, the replicas" })
  @ApiOkResponse({ schema: jsonSchemaOf(SystemStats) })
  stats() {
    return this.bus.request(EntityRpc.stats, {});
  }

  @Get('entities/:name')
  @ApiOperation({ summary: 'One entity' })
  @ApiOkResponse({ schema: jsonSchemaOf(EntityView) })
  @ApiErrors(404)
  get(@ValidParam('name', EntityName) name: string) {
    return this.bus.request(EntityRpc.get, { name });
  }

  @Put('entities/:name')
  @ApiOperation({ summary: "Change an entity's shape (entities:write): its collection is scanned again and the caches rebuilt" })
  @ApiZodBody(UpdateEntityBody)
  @ApiOkResponse({ schema: jsonSchemaOf(EntityView) })
  @ApiErrors(403, 404)
  update(@ValidParam('name', EntityName) name: string, @ValidBody(UpdateEntityBody) changes: z.output<typeof UpdateEntityBody>) {
    return this.bus.request(EntityRpc.update, { name, changes });
  }

  @Delete('entities/:name')
  @ApiOperation({ summary: 'Delete an entity, its oplog entries and (on every replica) its cache (entities:write)' })
  @ApiZodResponse(200, EntityRpc.delete.response)
  @ApiErrors(403, 404)
  delete(@ValidParam('name', EntityName) name: string) {
    return this.bus.request(EntityRpc.delete, { name });
  }

  @Get('entities/:name/oplog')
  @ApiOperation({ summary: "An entity's oplog entries after an id (after, default 0; limit, default 100, at most 1000)" })
  @RouteQuery(OplogQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(OplogPage) })
  @ApiErrors(404)
  oplog(@ValidParam('name', EntityName) name: string, @ParsedQuery() query: z.output<typeof OplogQuery>) {
    return this.bus.request(EntityRpc.oplog, { name, ...query });
  }

  @Get('entities/:name/replication')
  @ApiOperation({ summary: "Each replica's progress on the entity: applied id, lag in entries and in seconds, cache generation" })
  @ApiOkResponse({ schema: jsonSchemaOf(ReplicationStats) })
  @ApiErrors(404)
  replication(@ValidParam('name', EntityName) name: string) {
    return this.bus.request(EntityRpc.replication, { name });
  }

  @Post('entities/:name/recreate')
  @HttpCode(202)
  @ApiOperation({ summary: "Rebuild the entity's cache on every replica from the oplog (caches:recreate, operator): asynchronous" })
  @ApiAcceptedResponse({ schema: jsonSchemaOf(RecreateAccepted) })
  @ApiErrors(403, 404)
  recreate(@ValidParam('name', EntityName) name: string) {
    return this.bus.request(EntityRpc.recreate, { name });
  }

  @Post('entities/:name/refresh')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Refresh the entity from its source (caches:recreate, operator): mode=hard (the default) scans the collection again ' +
      'and deletes what the scan does not find; the entity is scanning until done. mode=soft asks the capture to scan it again ' +
      'now as upserts (no deletes found); GET /entities/:name shows soft_refresh_requested_at until done, then soft_refresh_done_at. ' +
      '409 while the entity is scanning',
  })
  @RouteQuery(RefreshQuery)
  @ApiAcceptedResponse({ schema: jsonSchemaOf(RefreshAccepted) })
  @ApiErrors(403, 404, 409)
  refresh(@ValidParam('name', EntityName) name: string, @ParsedQuery() query: z.output<typeof RefreshQuery>) {
    return this.bus.request(EntityRpc.refresh, { name, ...query });
  }
}
