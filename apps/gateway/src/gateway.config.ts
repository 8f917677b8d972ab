import { CommonConfig, env } from '@ir/platform';
import { z } from 'zod';

const RATE_LIMIT = /^(\d+)\/(\d+)(ms|s|m|h)$/;

export const GatewayConfig = CommonConfig.extend({
  PORT: env.port(8216),
  HOST: z.string().default('0.0.0.0'),
  API_BASE_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*[^/]$/, { error: 'expected a path such as /api/doctor-manager-api/v1 (no trailing slash)' })
    .default('/api/doctor-manager-api/v1'),
  BODY_LIMIT: env.bytes('1mb'),
  /** Requests per window per client on register, login and refresh: `10/60s`. */
  AUTH_RATE_LIMIT: z
    .string()
    .default('10/60s')
    .transform((text, ctx) => {
      const match = RATE_LIMIT.exec(text);
      if (!match || Number(match[1]) === 0) {
        ctx.addIssue({ code: 'custom', message: 'expected <requests>/<window>, for example 10/60s' });
        return z.NEVER;
      }
      const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[3] as 'ms' | 's' | 'm' | 'h'];
      return { limit: Number(match[1]), windowMs: Number(match[2]) * unitMs };
    }),
  /** Express `trust proxy`: which proxies may set X-Forwarded-For (false, loopback, a hop count, or addresses). */
  TRUST_PROXY: z.string().default('false'),
  /** Time limit of bus calls that reach a target database (connection tests, collection lists) or write in bulk. */
  TARGET_REQUEST_TIMEOUT: env.duration('40s'),
  /** How far back the gateway replays session revocations at start; at least the longest access-token lifetime. */
  REVOCATION_LOOKBACK: env.duration('24h'),
  /** The web console's static build, served at /console; empty: dist/console, where `npm run build` puts it. */
  CONSOLE_DIR: z.string().default(''),
  /**
   * How long a caller's own profile is served from the gateway's memory (0: never). Auth's
   * `auth.evt.user.changed` drops a changed one on every replica at once; this bounds only what a
   * missed event would leave (see ProfileCache).
   */
  PROFILE_CACHE_TTL: env.duration('2s'),
});
export type GatewayConfig = z.output<typeof GatewayConfig>;

/** Express's `trust proxy` value from its text form. */
export function trustProxySetting(text: string): boolean | number | string {
  if (text === 'false') return false;
  if (text === 'true') return true;
  return /^\d+$/.test(text) ? Number(text) : text;
}
