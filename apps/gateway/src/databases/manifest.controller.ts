import { Controller, Get, Headers, Inject, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode, issuesFromZod, Manifest, RecordId, RegistryManifestRpc } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import type { Response } from 'express';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ApiZodBody, ValidBody, ValidParam, ValidQuery } from '../http/zod-body';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const DryRun = z.enum(['true', 'false', '1', '0']).optional();

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
  @ApiQuery({ name: 'dry_run', required: false, description: 'true: answer what would change, change nothing' })
  @ApiZodBody(Manifest)
  apply(
    @ValidParam('id', RecordId) id: string,
    @ValidQuery('dry_run', DryRun) dryRun: z.output<typeof DryRun>,
    @ValidBody(z.unknown()) body: unknown,
  ) {
    const manifest = Manifest.safeParse(typeof body === 'string' ? parseYamlBody(body) : body);
    if (!manifest.success) {
      const issues = issuesFromZod(manifest.error);
      throw new DomainError(ErrorCode.validation, `invalid manifest: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
    }
    return this.bus.request(
      RegistryManifestRpc.apply,
      { database_id: id, manifest: manifest.data, dry_run: dryRun === 'true' || dryRun === '1' },
      this.bulkCall,
    );
  }
}

function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (error) {
    const message = `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    throw new DomainError(ErrorCode.validation, `invalid manifest: ${message}`, [{ field: '(body)', rule: 'yaml', message }]);
  }
}
