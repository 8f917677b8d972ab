import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { exitOnStartupFailure, setUpProcess } from '@ir/bootstrap';
import { createRootLogger } from '@ir/platform';
import { consoleRouter, DEFAULT_CONSOLE_DIR } from './console/console-static';
import { GatewayConfig, trustProxySetting } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { bodyParsingErrors, jsonBody, unreadBodies, yamlBody } from './http/body-parsing';
import { apiNoStore } from './http/no-store';
import { openApiDocument } from './http/openapi-document';
import { beginRequest, enterRequestContext } from './http/request-context.middleware';

async function bootstrap(): Promise<void> {
  const { config, logger, bus } = await setUpProcess('gateway', GatewayConfig).catch(exitOnStartupFailure(undefined, 'gateway'));
  try {
    const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(config, bus), {
      logger,
      bodyParser: false,
      abortOnError: false,
    });
    app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
    app.disable('x-powered-by');
    app.use(beginRequest(createRootLogger('gateway', config.LOG_LEVEL).child({ context: 'Http' })));
    app.use('/console', consoleRouter(config.CONSOLE_DIR || DEFAULT_CONSOLE_DIR));
    app.use(config.API_BASE_PATH, apiNoStore);
    app.use(jsonBody(config.BODY_LIMIT));
    app.use(yamlBody(config.BODY_LIMIT));
    app.use(bodyParsingErrors);
    app.use(unreadBodies);
    app.use(enterRequestContext);
    app.setGlobalPrefix(config.API_BASE_PATH, { exclude: ['health', 'health/ready', 'health/instance', 'metrics'] });
    app.enableShutdownHooks();

    SwaggerModule.setup('docs', app, () => openApiDocument(app), {
      jsonDocumentUrl: 'docs/openapi.json',
      yamlDocumentUrl: 'docs/openapi.yaml',
    });

    await app.listen(config.PORT, config.HOST);
    logger.log(
      `gateway listening on http://${config.HOST}:${config.PORT}${config.API_BASE_PATH} (docs at /docs, console at /console)`,
      'Bootstrap',
    );
  } catch (error) {
    exitOnStartupFailure(logger, 'gateway')(error);
  }
}

void bootstrap();
