// `npm run cli:client`: regenerates the CLI's client types from the OpenAPI document the gateway serves
// (built here from the gateway's module in preview mode: no bus, no listener; test/cli.e2e-spec.ts checks
// it against the document the running gateway serves).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NatsBus } from '@ir/messaging';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { openApiDocument } from '../../apps/gateway/src/http/openapi-document';
import { CLI_SCHEMA_FILE, cliSchemaOf } from './cli-client-schema';
import { repoRoot } from './repo-root';

async function main(): Promise<void> {
  const config = GatewayConfig.parse({});
  const app = await NestFactory.create(GatewayModule.register(config, {} as NatsBus), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  // As the gateway's main.ts does: the document's paths carry the API's base path (the e2e spec compares with the served one).
  app.setGlobalPrefix(config.API_BASE_PATH, { exclude: ['health', 'health/ready', 'health/instance', 'metrics'] });
  const document = JSON.stringify(openApiDocument(app));
  await app.close();
  writeFileSync(CLI_SCHEMA_FILE, await cliSchemaOf(document));
  process.stdout.write(`wrote ${relative(repoRoot, CLI_SCHEMA_FILE)}\n`);
}

void main();
