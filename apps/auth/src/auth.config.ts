import { env } from '@ir/platform';
import { BackendConfig } from '@ir/bootstrap';
import { z } from 'zod';

export const REGISTRATION_POLICIES = ['open', 'invite', 'closed'] as const;
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number];

export const AuthConfig = BackendConfig.extend({
  /** Where generated keys and other local state live when no explicit paths are given. */
  DATA_DIR: z.string().default('.data'),
  TOKEN_PRIVATE_KEY_PATH: z.string().optional(),
  TOKEN_PUBLIC_KEY_PATH: z.string().optional(),
  ACCESS_TOKEN_TIMEOUT: env.duration('10m'),
  REFRESH_TOKEN_TIMEOUT: env.duration('24h'),
  /** Who may register: anyone, people holding an invitation, or nobody (the first user of an empty system always may). */
  AUTH_REGISTRATION: z.enum(REGISTRATION_POLICIES, { error: 'expected open, invite or closed' }).default('invite'),
  /** How long an invitation can be used. */
  AUTH_INVITATION_TTL: env.duration('7d'),
  /** The latest expiry an API key may be given, from its creation. */
  AUTH_API_KEY_MAX_TTL: env.duration('365d'),
});
export type AuthConfig = z.output<typeof AuthConfig>;
