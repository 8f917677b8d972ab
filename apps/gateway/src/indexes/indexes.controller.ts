import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateIndexBody,
  IndexDefinitionView,
  ListByCollectionBody,
  pageOf,
  RecordId,
  RegistryIndexRpc,
  UpdateIndexBody,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { EXAMPLES } from '../http/openapi-examples';
import { ApiZodBody, ApiZodResponse, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

/** Index definitions of the design repository (the original contract's /indexes CRUD). */
@ApiTags('indexes')
@Controller('indexes')
export class IndexesController {
  constructor(private readonly bus: BusClient) {}

  @Post()
  @ApiOperation({ summary: 'Define an index (name generated from the keys when absent); 409 for a duplicate name or key' })
  @ApiZodBody(CreateIndexBody, { example: EXAMPLES.createIndex })
  @ApiCreatedResponse({ schema: jsonSchemaOf(IndexDefinitionView) })
  @ApiErrors(403, 404, 409)
  create(@ValidBody(CreateIndexBody) body: z.output<typeof CreateIndexBody>) {
    return this.bus.request(RegistryIndexRpc.create, body);
  }

  @Post('list-by-collection')
  @HttpCode(200)
  @ApiOperation({ summary: "A collection's definitions (page, limit, search on name and fields)" })
  @ApiZodBody(ListByCollectionBody)
  @ApiOkResponse({ schema: jsonSchemaOf(pageOf(IndexDefinitionView)) })
  @ApiErrors(404)
  list(@ValidBody(ListByCollectionBody) body: z.output<typeof ListByCollectionBody>) {
    return this.bus.request(RegistryIndexRpc.listByCollection, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One definition' })
  @ApiOkResponse({ schema: jsonSchemaOf(IndexDefinitionView) })
  @ApiErrors(404)
  get(@ValidParam('id', RecordId) id: string) {
    return this.bus.request(RegistryIndexRpc.get, { id });
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update a definition (not the real index)' })
  @ApiZodBody(UpdateIndexBody)
  @ApiOkResponse({ schema: jsonSchemaOf(IndexDefinitionView) })
  @ApiErrors(403, 404, 409)
  update(@ValidParam('id', RecordId) id: string, @ValidBody(UpdateIndexBody) changes: z.output<typeof UpdateIndexBody>) {
    return this.bus.request(RegistryIndexRpc.update, { id, changes });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a definition (not the real index)' })
  @ApiZodResponse(200, RegistryIndexRpc.delete.response)
  @ApiErrors(403, 404)
  delete(@ValidParam('id', RecordId) id: string) {
    return this.bus.request(RegistryIndexRpc.delete, { id });
  }
}
