import { Controller, Get, Headers, Inject, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Manifest, ManifestApplyQuery, manifestEntityTag, RecordId, RegistryManifestRpc } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { Response } from 'express';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ParsedQuery, RouteQuery } from '../http/route-query';
import { ApiErrors } from '../http/api-errors';
import { EXAMPLES } from '../http/openapi-examples';
import { ApiZodBody, ApiZodResponse, parseRequestPart, ValidBody, ValidParam } from '../http/zod-body';
import { parseIfMatch } from './if-match';
import { parseYamlManifest } from './manifest-yaml';

const ETAG_HEADER = { description: 'The version of the database\'s definitions, quoted: `"7"`', schema: { type: 'string' } };

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/**
 * A database's whole index design as one document, JSON or YAML: teams keep it
 * in git and apply it from CI. PUT validates all of it first and changes nothing when any part is invalid.
 */
@ApiTags('databases')
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
  @ApiOperation({
    summary: 'Export every definition of the database (YAML with Accept: application/yaml)',
    description: 'The ETag header is the version of the definitions: send it back in If-Match when you PUT the manifest.',
  })
  @ApiZodResponse(200, Manifest, { headers: { ETag: ETAG_HEADER }, types: ['application/json', 'application/yaml'] })
  @ApiErrors(404)
  async export(@ValidParam('id', RecordId) id: string, @Headers('accept') accept: string | undefined, @Res() res: Response): Promise<void> {
    const { manifest, version } = await this.bus.request(RegistryManifestRpc.export, { database_id: id });
    res.setHeader('ETag', manifestEntityTag(version));
    // One version, two representations: a cache must tell them apart by Accept.
    res.vary('Accept');
    if (accept && YAML_TYPES.some((type) => accept.includes(type))) {
      res.type('application/yaml').send(toYaml(manifest));
    } else {
      res.json(manifest);
    }
  }

  @Put()
  @ApiOperation({
    summary: "Replace the database's definitions with the manifest's (JSON, or YAML with Content-Type: application/yaml)",
    description:
      'Answers 412 when If-Match is stale, 409 when the manifest names another database or would delete definitions without allow_deletions=true, and one 400 with every validation error.',
  })
  @ApiZodResponse(200, RegistryManifestRpc.apply.response, { headers: { ETag: ETAG_HEADER } })
  @ApiErrors(403, 404, 409, 412)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the GET this manifest came from; `*` for any version' })
  @RouteQuery(ManifestApplyQuery)
  @ApiZodBody(Manifest, { example: EXAMPLES.manifest, types: ['application/json', ...YAML_TYPES] })
  async apply(
    @ValidParam('id', RecordId) id: string,
    @ParsedQuery() query: z.output<typeof ManifestApplyQuery>,
    @Headers('if-match') ifMatch: string | undefined,
    @ValidBody(z.unknown()) body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const if_match = parseIfMatch(ifMatch);
    // Only the YAML is parsed here; the registry validates the manifest itself, all of it in one pass.
    const manifest = typeof body === 'string' ? parseRequestPart(z.unknown(), parseYamlManifest(body), { what: 'manifest' }) : body;
    const result = await this.bus.request(
      RegistryManifestRpc.apply,
      { database_id: id, manifest, dry_run: query.dry_run, allow_deletions: query.allow_deletions, if_match },
      this.bulkCall,
    );
    res.setHeader('ETag', manifestEntityTag(result.version));
    return result;
  }
}
