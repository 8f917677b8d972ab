import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ImportHistoryQuery, ImportRpc, ImportView, pageOf, RecordId } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { z } from 'zod';
import { ApiErrors } from '../http/api-errors';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { jsonSchemaOf, ValidParam } from '../http/zod-body';

/** The records of imports (the sync-executor): each `POST /indexes/sync-from-database`, and the import `import_indexes` queues. */
@ApiTags('syncs')
@Controller()
export class ImportsController {
  constructor(private readonly bus: BusClient) {}

  @Get('indexes/import-status/by-database/:database_id')
  @ApiOperation({ summary: "A database's imports, newest first (page, limit)" })
  @RouteQuery(ImportHistoryQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(pageOf(ImportView)) })
  @ApiErrors(404)
  history(@ValidParam('database_id', RecordId) databaseId: string, @ParsedQuery() query: z.output<typeof ImportHistoryQuery>) {
    return this.bus.request(ImportRpc.history, { ...query, database_id: databaseId });
  }

  @Get('indexes/import-status/:import_id')
  @ApiOperation({
    summary:
      "An import's status (running, completed, failed) and, once it ended, its result; a queued one (import_indexes) shows once an executor takes it",
  })
  @ApiOkResponse({ schema: jsonSchemaOf(ImportView) })
  @ApiErrors(404)
  status(@ValidParam('import_id', RecordId) importId: string) {
    return this.bus.request(ImportRpc.status, { import_id: importId });
  }
}
