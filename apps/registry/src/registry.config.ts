import { BackendConfig } from '@ir/bootstrap';
import { env } from '@ir/platform';
import { z } from 'zod';

export const RegistryConfig = BackendConfig.extend({
  /** AES-256 key for target URIs at rest: 32 bytes, base64. Absent: generated once under DATA_DIR (development only). */
  REGISTRY_ENCRYPTION_KEY: z
    .string()
    .refine((text) => Buffer.from(text, 'base64').length === 32, { error: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)' })
    .optional(),
  DATA_DIR: z.string().default('.data'),
  /** Time limit of the connection test when a database is created or its URI changes. */
  TARGET_CONNECT_TIMEOUT: env.duration('5s'),
  /** Time limit of one command on a target database. */
  TARGET_OPERATION_TIMEOUT: env.duration('30s'),
  TARGET_POOL_MAX_CLIENTS: env.positiveInt(50),
  TARGET_POOL_IDLE: env.duration('5m'),
});
export type RegistryConfig = z.output<typeof RegistryConfig>;
