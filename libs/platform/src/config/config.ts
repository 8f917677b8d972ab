import { z } from 'zod';
import { redactSecrets } from '../logging/redact';

/** A configuration that failed validation; its message names every wrong or missing variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The variables whose values are secrets: an error names them, and never shows what they hold. */
const SECRET_VARIABLES = new WeakSet<z.ZodType>();

/** Marks a variable's schema as a secret (see loadConfig). */
export function secretVariable<T extends z.ZodType>(schema: T): T {
  SECRET_VARIABLES.add(schema);
  return schema;
}

/** Parses environment variables with a zod object whose keys are the variable names. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = present[name];
      if (value === undefined) return `${name}: ${issue.message}`;
      const field = schema.shape[name] as z.ZodType | undefined;
      if (field && SECRET_VARIABLES.has(field)) return `${name} (value not shown): ${issue.message}`;
      return `${name}=${JSON.stringify(redactSecrets(value))}: ${issue.message}`;
    }),
  );
}

const NATS_URL = /^(nats|tls):\/\/[^\s,]+$/;
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `30s`, `10m`, `24h`, `7d` to milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

export const env = {
  duration: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === undefined || ms <= 0) {
          ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 500ms, 30s, 10m, 24h or 7d' });
          return z.NEVER;
        }
        return ms;
      }),
  port: (fallback: number) => z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number({ error: 'expected a whole number' }).int().positive().default(fallback),
  bytes: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const match = /^(\d+)(b|kb|mb)?$/i.exec(text.trim());
        if (!match) {
          ctx.addIssue({ code: 'custom', message: 'expected a size such as 1mb, 512kb or 1048576' });
          return z.NEVER;
        }
        const unit = (match[2] ?? 'b').toLowerCase();
        return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
      }),
  /** `true` or `false`, nothing else (a typo is an error, not a silent default). */
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((text) => text === 'true'),
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** One server, or every server of a cluster separated by commas: the client connects to any and reconnects to the others. */
  natsUrls: () =>
    z
      .string()
      .default('nats://127.0.0.1:4222')
      .transform((text, ctx) => {
        const urls = text.split(',').map((url) => url.trim());
        if (urls.some((url) => !NATS_URL.test(url))) {
          ctx.addIssue({ code: 'custom', message: 'expected nats://host:port, or several separated by commas' });
          return z.NEVER;
        }
        return urls;
      }),
  /** Copies of each JetStream stream: 1 on a single server; 3 (or 5) on a cluster of at least as many servers. */
  streamReplicas: () =>
    z.coerce
      .number({ error: 'expected a whole number from 1 to 5' })
      .int({ error: 'expected a whole number from 1 to 5' })
      .min(1, { error: 'expected a whole number from 1 to 5' })
      .max(5, { error: 'expected a whole number from 1 to 5 (JetStream keeps at most 5 copies)' })
      .default(1),
  mongoUri: () =>
    z.string({ error: 'is required (a MongoDB connection string such as mongodb://127.0.0.1:27017/)' }).regex(/^mongodb(\+srv)?:\/\/\S+$/, {
      error: 'expected a MongoDB connection string starting with mongodb:// or mongodb+srv://',
    }),
  dbPrefix: () =>
    z
      .string()
      .regex(/^[a-zA-Z0-9_]{1,32}$/, { error: 'expected 1-32 letters, digits or "_"' })
      .default('index_registry'),
};

/** Variables every service reads. */
export const CommonConfig = z.object({
  NATS_URL: env.natsUrls(),
  /** The service's NATS user; its own name when unset (see libs/contracts/src/bus-permissions.ts). */
  NATS_USER: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/, { error: 'expected a NATS user name: lower-case letters, digits and "-"' })
    .optional(),
  /** Its password; or NATS_PASSWORD_FILE, a file holding it (a mounted secret). */
  NATS_PASSWORD: secretVariable(z.string().min(16, { error: 'expected the password of the NATS user (16 characters or more)' }).optional()),
  NATS_PASSWORD_FILE: z.string().min(1).optional(),
  /** The CA certificate (PEM) that signed the NATS servers' certificates: the connection then requires TLS. */
  NATS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Every service that provisions a stream (the gateway too: it reads AUTH_EVENTS) gives it as many copies. */
  NATS_STREAM_REPLICAS: env.streamReplicas(),
  LOG_LEVEL: env.logLevel(),
  BUS_REQUEST_TIMEOUT: env.duration('5s'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});

/** Variables of every backend service: its own HTTP port (health, metrics). */
export const HealthPortConfig = z.object({
  HEALTH_PORT: env.port(0),
  HOST: z.string().default('0.0.0.0'),
});

/** Variables of every service that owns a MongoDB database. */
export const StorageConfig = HealthPortConfig.extend({
  MONGODB_URI: env.mongoUri(),
  MONGODB_DB_PREFIX: env.dbPrefix(),
});

/**
 * Variables of a service that owns a PostgreSQL schema (the entity caches' oplog). The schema is
 * named from MONGODB_DB_PREFIX, the system's one storage prefix, so two systems can share one server.
 */
export const PostgresConfig = HealthPortConfig.extend({
  POSTGRES_URL: secretVariable(
    z
      .string({ error: 'is required (a PostgreSQL connection string such as postgres://user:password@127.0.0.1:5432/postgres)' })
      .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a connection string starting with postgres:// or postgresql://' }),
  ),
  MONGODB_DB_PREFIX: env.dbPrefix(),
});
