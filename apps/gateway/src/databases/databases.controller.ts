import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateDatabaseBody,
  DatabaseCreated,
  DatabaseIdBody,
  DatabaseView,
  ListDatabasesBody,
  pageOf,
  RecordId,
  RegistryDatabaseRpc,
  UpdateDatabaseBody,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { z } from 'zod';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ApiErrors, TARGET_ERRORS } from '../http/api-errors';
import { EXAMPLES } from '../http/openapi-examples';
import { ApiZodBody, ApiZodResponse, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

/** Target databases (the original contract's /databases endpoints). */
@ApiTags('databases')
@Controller('databases')
export class DatabasesController {
  private readonly targetCall: { timeoutMs: number };

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.targetCall = { timeoutMs: config.TARGET_REQUEST_TIMEOUT };
  }

  @Post()
  @ApiOperation({ summary: 'Register a target database; its connection is tested first (502/504/422 when it fails, nothing saved)' })
  @ApiZodBody(CreateDatabaseBody, { example: EXAMPLES.createDatabase })
  @ApiCreatedResponse({ schema: jsonSchemaOf(DatabaseCreated) })
  @ApiErrors(403, 404, 409, ...TARGET_ERRORS)
  create(@ValidBody(CreateDatabaseBody) body: z.output<typeof CreateDatabaseBody>) {
    return this.bus.request(RegistryDatabaseRpc.create, body, this.targetCall);
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'List databases (page, limit, search on name and description)' })
  @ApiZodBody(ListDatabasesBody)
  @ApiOkResponse({ schema: jsonSchemaOf(pageOf(DatabaseView)) })
  @ApiErrors(403, 404)
  list(@ValidBody(ListDatabasesBody) body: z.output<typeof ListDatabasesBody>) {
    return this.bus.request(RegistryDatabaseRpc.list, body);
  }

  @Post('collections/list')
  @HttpCode(200)
  @ApiOperation({ summary: "The target database's collection names" })
  @ApiZodBody(DatabaseIdBody)
  @ApiZodResponse(200, RegistryDatabaseRpc.collections.response)
  @ApiErrors(404, ...TARGET_ERRORS)
  collections(@ValidBody(DatabaseIdBody) body: z.output<typeof DatabaseIdBody>) {
    return this.bus.request(RegistryDatabaseRpc.collections, body, this.targetCall);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One database (URI redacted)' })
  @ApiOkResponse({ schema: jsonSchemaOf(DatabaseView) })
  @ApiErrors(404)
  get(@ValidParam('id', RecordId) id: string) {
    return this.bus.request(RegistryDatabaseRpc.get, { id });
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update a database; the connection is tested again when uri or db_name change' })
  @ApiZodBody(UpdateDatabaseBody)
  @ApiOkResponse({ schema: jsonSchemaOf(DatabaseView) })
  @ApiErrors(403, 404, 409, ...TARGET_ERRORS)
  update(@ValidParam('id', RecordId) id: string, @ValidBody(UpdateDatabaseBody) changes: z.output<typeof UpdateDatabaseBody>) {
    return this.bus.request(RegistryDatabaseRpc.update, { id, changes }, this.targetCall);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a database and its index definitions (409 while a sync of it is pending or running)' })
  @ApiZodResponse(200, RegistryDatabaseRpc.delete.response)
  @ApiErrors(403, 404, 409)
  delete(@ValidParam('id', RecordId) id: string) {
    return this.bus.request(RegistryDatabaseRpc.delete, { id });
  }
}
