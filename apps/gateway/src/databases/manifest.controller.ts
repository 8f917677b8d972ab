import { Controller, Get, Headers, Inject, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Manifest, ManifestApplyQuery, RecordId, RegistryManifestRpc } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { Response } from 'express';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiZodBody, parseRequestPart, ValidBody, ValidParam } from '../http/zod-body';
import { parseYamlManifest } from './manifest-yaml';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/**
 * A database's whole index design as one document, JSON or YAML: teams keep it
 * in git and apply it from CI. PUT validates all of it first and changes nothing when any part is invalid.
 */
@ApiTags('databases')
@ApiBearerAuth()
@Controller('databases/:id/manifest')
export class ManifestController {
  private readonly bulkCall: { timeoutMs: number };

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.bulkCall = { timeoutMs: config.TARGET_REQUEST_TIMEOUT };
  }

  @Get()
  @ApiOperation({ summary: 'Export every definition of the database (YAML with Accept: application/yaml)' })
  async export(@ValidParam('id', RecordId) id: string, @Headers('accept') accept: string | undefined, @Res() res: Response): Promise<void> {
    const manifest = await this.bus.request(RegistryManifestRpc.export, { database_id: id });
    if (accept && YAML_TYPES.some((type) => accept.includes(type))) {
      res.type('application/yaml').send(toYaml(manifest));
    } else {
      res.json(manifest);
    }
  }

  @Put()
  @ApiOperation({ summary: "Replace the database's definitions with the manifest's (JSON, or YAML with Content-Type: application/yaml)" })
  @RouteQuery(ManifestApplyQuery)
  @ApiZodBody(Manifest)
  apply(
    @ValidParam('id', RecordId) id: string,
    @ParsedQuery() query: z.output<typeof ManifestApplyQuery>,
    @ValidBody(z.unknown()) body: unknown,
  ) {
    const manifest = parseRequestPart(Manifest, typeof body === 'string' ? parseYamlManifest(body) : body, { what: 'manifest' });
    return this.bus.request(RegistryManifestRpc.apply, { database_id: id, manifest, dry_run: query.dry_run }, this.bulkCall);
  }
}
