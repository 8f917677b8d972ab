import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ImportResult,
  pageOf,
  RecordId,
  SyncAccepted,
  SyncByCollectionsBody,
  SyncByDatabaseBody,
  SyncCancelBody,
  SyncDecisionBody,
  SyncFromDatabaseBody,
  SyncHistoryQuery,
  SyncRetryBody,
  SYNC_EVENT_SUBJECTS,
  SyncRpc,
  SyncView,
} from '@ir/contracts';
import { BusClient, NatsBus } from '@ir/messaging';
import type { Response } from 'express';
import type { z } from 'zod';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ApiErrors, TARGET_ERRORS } from '../http/api-errors';
import { EXAMPLES } from '../http/openapi-examples';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiZodBody, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';
import { streamSyncEvents } from './sync-event-stream';

/** An import reads every collection of a target and writes definitions one by one: more time than one target call. */
const IMPORT_TIMEOUT_FACTOR = 3;

/** Syncs (the sync-executor): start, status, history, progress events, and the import from a live database. */
@ApiTags('syncs')
@Controller()
export class SyncsController {
  private readonly importCall: { timeoutMs: number };

  constructor(
    private readonly bus: BusClient,
    private readonly nats: NatsBus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.importCall = { timeoutMs: config.TARGET_REQUEST_TIMEOUT * IMPORT_TIMEOUT_FACTOR };
  }

  @Post('indexes/sync-by-collections')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sync some collections to the DR, asynchronously (409 with details.sync_id while a sync of the database runs)' })
  @ApiZodBody(SyncByCollectionsBody, { example: EXAMPLES.syncByCollections })
  @ApiAcceptedResponse({ schema: jsonSchemaOf(SyncAccepted) })
  @ApiErrors(403, 404, 409)
  syncCollections(@ValidBody(SyncByCollectionsBody) body: z.output<typeof SyncByCollectionsBody>) {
    return this.bus.request(SyncRpc.start, body);
  }

  @Post('indexes/sync-by-database')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sync every collection of the database to the DR, asynchronously (409 while a sync of it runs)' })
  @ApiZodBody(SyncByDatabaseBody, { example: EXAMPLES.syncByDatabase })
  @ApiAcceptedResponse({ schema: jsonSchemaOf(SyncAccepted) })
  @ApiErrors(403, 404, 409)
  syncDatabase(@ValidBody(SyncByDatabaseBody) body: z.output<typeof SyncByDatabaseBody>) {
    return this.bus.request(SyncRpc.start, body);
  }

  @Post('indexes/sync-from-database')
  @HttpCode(200)
  @ApiOperation({ summary: "Import the target's real indexes into the DR (`_id_` never; conflicts skipped or overwritten)" })
  @ApiZodBody(SyncFromDatabaseBody, { example: EXAMPLES.syncFromDatabase })
  @ApiOkResponse({ schema: jsonSchemaOf(ImportResult) })
  @ApiErrors(403, 404, 409, ...TARGET_ERRORS)
  importIndexes(@ValidBody(SyncFromDatabaseBody) body: z.output<typeof SyncFromDatabaseBody>) {
    return this.bus.request(SyncRpc.importIndexes, body, this.importCall);
  }

  @Get('indexes/sync-status/by-database/:database_id')
  @ApiOperation({ summary: "A database's syncs, newest first (page, limit)" })
  @RouteQuery(SyncHistoryQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(pageOf(SyncView)) })
  @ApiErrors(404)
  history(@ValidParam('database_id', RecordId) databaseId: string, @ParsedQuery() query: z.output<typeof SyncHistoryQuery>) {
    return this.bus.request(SyncRpc.history, { ...query, database_id: databaseId });
  }

  @Get('indexes/sync-status/:sync_id')
  @ApiOperation({ summary: "A sync's status, progress (0-100) and steps" })
  @ApiOkResponse({ schema: jsonSchemaOf(SyncView) })
  @ApiErrors(404)
  status(@ValidParam('sync_id', RecordId) syncId: string) {
    return this.bus.request(SyncRpc.status, { sync_id: syncId });
  }

  @Post('indexes/sync-status/:sync_id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve a sync of a protected database that awaits approval: it then runs the plan that was approved (syncs:approve; nobody approves their own)',
  })
  @ApiZodBody(SyncDecisionBody)
  @ApiOkResponse({ schema: jsonSchemaOf(SyncView) })
  @ApiErrors(403, 404, 409)
  approve(@ValidParam('sync_id', RecordId) syncId: string, @ValidBody(SyncDecisionBody) body: z.output<typeof SyncDecisionBody>) {
    return this.bus.request(SyncRpc.approve, { ...body, sync_id: syncId });
  }

  @Post('indexes/sync-status/:sync_id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a sync that awaits approval (or withdraw your own): it ends and frees its database (syncs:approve)' })
  @ApiZodBody(SyncDecisionBody)
  @ApiOkResponse({ schema: jsonSchemaOf(SyncView) })
  @ApiErrors(403, 404, 409)
  reject(@ValidParam('sync_id', RecordId) syncId: string, @ValidBody(SyncDecisionBody) body: z.output<typeof SyncDecisionBody>) {
    return this.bus.request(SyncRpc.reject, { ...body, sync_id: syncId });
  }

  @Post('indexes/sync-status/:sync_id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Retry a partially failed, failed or cancelled sync: a new sync (retry_of) planned afresh on the collections whose steps did not succeed (syncs:run; 409 naming the status otherwise)',
  })
  @ApiZodBody(SyncRetryBody)
  @ApiAcceptedResponse({ schema: jsonSchemaOf(SyncAccepted) })
  @ApiErrors(403, 404, 409)
  retry(@ValidParam('sync_id', RecordId) syncId: string, @ValidBody(SyncRetryBody) body: z.output<typeof SyncRetryBody>) {
    return this.bus.request(SyncRpc.retry, { ...body, sync_id: syncId });
  }

  @Post('indexes/sync-status/:sync_id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel a pending, awaiting or running sync: a running one stops before its next step and its index build in progress is stopped where the server allows it (syncs:run; 409 naming the status otherwise)',
  })
  @ApiZodBody(SyncCancelBody)
  @ApiOkResponse({ schema: jsonSchemaOf(SyncView) })
  @ApiErrors(403, 404, 409)
  cancel(@ValidParam('sync_id', RecordId) syncId: string, @ValidBody(SyncCancelBody) body: z.output<typeof SyncCancelBody>) {
    return this.bus.request(SyncRpc.cancel, { ...body, sync_id: syncId });
  }

  @Get('indexes/sync-status/:sync_id/events')
  @ApiOperation({
    summary:
      "A sync's progress as server-sent events: `status` (the SyncView), then `started` / `progress` / `completed` / `partiallyFailed` / `failed` / `cancelled`; ends with the sync",
  })
  @ApiOkResponse({
    description: 'Server-sent events, one `event:` and `data:` (JSON) per change, until the sync ends',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors(404)
  async events(@ValidParam('sync_id', RecordId) syncId: string, @Res() res: Response): Promise<void> {
    await streamSyncEvents({
      syncId,
      subscribe: () => this.nats.nc.subscribe(SYNC_EVENT_SUBJECTS),
      current: () => this.bus.request(SyncRpc.status, { sync_id: syncId }),
      sink: {
        open: () => {
          res.status(200).set({
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            connection: 'keep-alive',
            'x-accel-buffering': 'no',
          });
          res.flushHeaders();
        },
        write: (chunk) => void res.write(chunk),
        end: () => res.end(),
        onClose: (listener) => res.on('close', listener),
      },
    });
  }
}
