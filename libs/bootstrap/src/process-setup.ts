import { isRefusedLogin, NatsBus } from '@ir/messaging';
import {
  ConfigError,
  createRootLogger,
  JsonLogger,
  loadConfig,
  natsLoginFrom,
  retryWithBackoff,
  setupTracing,
  startDefaultMetrics,
  type CommonConfig,
  type NatsLogin,
} from '@ir/platform';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';

export interface ProcessBasics<C> {
  readonly config: C;
  readonly logger: JsonLogger;
  readonly bus: NatsBus;
}

/**
 * What every service does first: validate its configuration (exit 1 naming the
 * variable when wrong), set up logs, metrics and tracing, and connect to NATS
 * with bounded retries, so a service started before NATS waits a little, then fails loudly.
 */
export async function setUpProcess<S extends z.ZodObject>(service: string, schema: S): Promise<ProcessBasics<z.output<S>>> {
  let config: z.output<S> & z.output<typeof CommonConfig>;
  let login: NatsLogin;
  try {
    config = loadConfig(schema) as z.output<S> & z.output<typeof CommonConfig>;
    login = natsLoginFrom(config, service);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  setupTracing(service, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  startDefaultMetrics(service);
  const logger = new JsonLogger(createRootLogger(service, config.LOG_LEVEL));
  if (!login.credentials)
    logger.warn('NATS_PASSWORD is not set: connecting to NATS without a user, as only an open development bus allows', 'Bootstrap');
  const connect = () =>
    NatsBus.connect({
      servers: config.NATS_URL,
      name: `${service}-${randomUUID().slice(0, 8)}`,
      ...login,
      // A refused subscription or publish is a permission this service lacks: bus-access.ts must grant it.
      onError: (error) => logger.error(`NATS: ${error.message}`, undefined, 'Bus'),
    });
  const bus = await retryWithBackoff(connect, {
    attempts: 8,
    initialDelayMs: 500,
    maxDelayMs: 8000,
    retryable: (error) => !isRefusedLogin(error),
    onRetry: (error, attempt, delay) =>
      logger.warn(`NATS at ${config.NATS_URL} not reachable (attempt ${attempt}): ${String(error)}; retrying in ${delay} ms`, 'Bootstrap'),
  }).catch((error: unknown) => {
    if (!isRefusedLogin(error)) throw error;
    throw new Error(
      `NATS refused the user "${login.credentials?.user ?? '(none)'}": check NATS_USER and NATS_PASSWORD (or NATS_PASSWORD_FILE)`,
    );
  });
  return { config, logger, bus };
}

/** Logs a start-up failure as one JSON line and exits, instead of an unhandled rejection's stack dump. */
export function exitOnStartupFailure(logger: JsonLogger | undefined, service: string) {
  return (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    if (logger) logger.error(`${service} failed to start: ${message}`, error instanceof Error ? error.stack : undefined, 'Bootstrap');
    else process.stderr.write(`${service} failed to start: ${message}\n`);
    process.exit(1);
  };
}
