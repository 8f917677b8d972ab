import { NestFactory } from '@nestjs/core';
import type { NatsBus } from '@ir/messaging';
import { writeFileSync } from 'node:fs';
import { GatewayConfig } from '../gateway.config';
import { GatewayModule } from '../gateway.module';
import { openApiDocument } from './openapi-document';

describe('the OpenAPI document', () => {
  it('dumps', async () => {
    const app = await NestFactory.create(GatewayModule.register(GatewayConfig.parse({}), {} as NatsBus), {
      preview: true,
      logger: false,
      abortOnError: false,
    });
    const doc = openApiDocument(app);
    writeFileSync('/work/wt/openapi/.cache/openapi-doc.json', JSON.stringify(doc, null, 2));
    await app.close();
  });
});
