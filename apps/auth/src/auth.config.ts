import { env } from '@ir/platform';
import { BackendConfig } from '@ir/bootstrap';
import { z } from 'zod';

export const AuthConfig = BackendConfig.extend({
  /** Where generated keys and other local state live when no explicit paths are given. */
  DATA_DIR: z.string().default('.data'),
  TOKEN_PRIVATE_KEY_PATH: z.string().optional(),
  TOKEN_PUBLIC_KEY_PATH: z.string().optional(),
  ACCESS_TOKEN_TIMEOUT: env.duration('10m'),
  REFRESH_TOKEN_TIMEOUT: env.duration('24h'),
});
export type AuthConfig = z.output<typeof AuthConfig>;
