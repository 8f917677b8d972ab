import { Controller, Get, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ComparatorRpc,
  CompareByCollectionsBody,
  CompareAnswer,
  CompareByDatabaseBody,
  CompareQuery,
  CompareSnapshotBody,
  DriftSnapshot,
  FleetDriftPage,
  FleetDriftQuery,
  GenerateScriptBody,
  PlanBody,
  PlanResult,
  RecordId,
  ScriptResult,
} from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ApiErrors, TARGET_ERRORS } from '../http/api-errors';
import { passJsonOn } from '../http/pass-json-on';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiZodBody, jsonSchemaOf, ValidBody, ValidParam } from '../http/zod-body';

const JAVASCRIPT = /application\/javascript|text\/javascript/;

/**
 * Drift, plans and scripts (the comparator), under the original contract's /indexes paths. Compare
 * results, up to megabytes, are passed on as the comparator wrote them (`requestJson`).
 */
@ApiTags('drift')
@Controller()
export class DriftController {
  private readonly targetCall: { timeoutMs: number };

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.targetCall = { timeoutMs: config.TARGET_REQUEST_TIMEOUT };
  }

  @Post('indexes/compare-by-collections')
  @HttpCode(200)
  @ApiOperation({ summary: 'Compare the DR with the real indexes of some collections: missing, matched, redundant, different' })
  @ApiZodBody(CompareByCollectionsBody)
  @RouteQuery(CompareQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(CompareAnswer) })
  @ApiErrors(404, ...TARGET_ERRORS)
  compareCollections(
    @ValidBody(CompareByCollectionsBody) body: z.output<typeof CompareByCollectionsBody>,
    @ParsedQuery() query: z.output<typeof CompareQuery>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return passJsonOn(this.bus, ComparatorRpc.compareCollections, { ...body, view: query.view }, { req, res }, this.targetCall);
  }

  @Post('indexes/compare-by-database')
  @HttpCode(200)
  @ApiOperation({ summary: 'Compare every collection that has DR definitions' })
  @ApiZodBody(CompareByDatabaseBody)
  @RouteQuery(CompareQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(CompareAnswer) })
  @ApiErrors(404, ...TARGET_ERRORS)
  compareDatabase(
    @ValidBody(CompareByDatabaseBody) body: z.output<typeof CompareByDatabaseBody>,
    @ParsedQuery() query: z.output<typeof CompareQuery>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return passJsonOn(this.bus, ComparatorRpc.compareDatabase, { ...body, view: query.view }, { req, res }, this.targetCall);
  }

  @Post('indexes/compare-snapshot')
  @HttpCode(200)
  @ApiOperation({ summary: "Compare the DR with indexes exported by mongosh's getIndexes() (Extended JSON), offline" })
  @ApiZodBody(CompareSnapshotBody)
  @RouteQuery(CompareQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(CompareAnswer) })
  @ApiErrors(404)
  compareSnapshot(
    @ValidBody(CompareSnapshotBody) body: z.output<typeof CompareSnapshotBody>,
    @ParsedQuery() query: z.output<typeof CompareQuery>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return passJsonOn(this.bus, ComparatorRpc.compareSnapshot, { ...body, view: query.view }, { req, res });
  }

  @Post('indexes/plan')
  @HttpCode(200)
  @ApiOperation({ summary: 'The ordered operations that would bring the target to the DR, each with its reason' })
  @ApiZodBody(PlanBody)
  @ApiOkResponse({ schema: jsonSchemaOf(PlanResult) })
  @ApiErrors(404, ...TARGET_ERRORS)
  plan(@ValidBody(PlanBody) body: z.output<typeof PlanBody>) {
    return this.bus.request(ComparatorRpc.plan, body, this.targetCall);
  }

  @Post('indexes/generate-script')
  @HttpCode(200)
  @ApiOperation({ summary: 'A mongosh script (JSON, or the script itself with Accept: application/javascript)' })
  @ApiZodBody(GenerateScriptBody)
  @ApiResponse({
    status: 200,
    description: 'The script and its plan as JSON, or only the script, as a download, with Accept: application/javascript',
    content: {
      'application/json': { schema: jsonSchemaOf(ScriptResult) },
      'application/javascript': { schema: { type: 'string', description: 'The mongosh script' } },
    },
  })
  @ApiErrors(404, ...TARGET_ERRORS)
  async script(
    @ValidBody(GenerateScriptBody) body: z.output<typeof GenerateScriptBody>,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const result = await this.bus.request(ComparatorRpc.script, body, this.targetCall);
    if (accept && JAVASCRIPT.test(accept)) {
      // attachment() sets the type from the file name (.js: text/javascript), so the asked-for type is set after it.
      res.attachment(`indexes-${result.db_name}-${result.mode}.js`).type('application/javascript').send(result.script);
    } else {
      res.json(result);
    }
  }

  @Get('drift')
  @ApiOperation({
    summary:
      "The fleet's latest drift, one entry per compared database of the projects where the caller has drift:read: counts of missing, redundant, different and renamed indexes, failed collections, and when it was compared; filters project_id and state; pages by database id (after=next_after)",
  })
  @RouteQuery(FleetDriftQuery)
  @ApiOkResponse({ schema: jsonSchemaOf(FleetDriftPage) })
  @ApiErrors(404)
  fleet(@ParsedQuery() query: z.output<typeof FleetDriftQuery>) {
    return this.bus.request(ComparatorRpc.fleetDrift, query);
  }

  @Get('databases/:id/drift')
  @ApiOperation({ summary: 'The latest comparison of the database (404 before the first)' })
  @ApiOkResponse({ schema: jsonSchemaOf(DriftSnapshot) })
  @ApiErrors(404)
  latest(@ValidParam('id', RecordId) id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return passJsonOn(this.bus, ComparatorRpc.latestDrift, { database_id: id }, { req, res });
  }
}
