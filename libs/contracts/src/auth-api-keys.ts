import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Principal, Role } from './access';
import { ProjectId } from './auth-projects';
import { defineEvent, defineRpc } from './bus';
import { Streams } from './streams';

/**
 * API keys, owned by the auth service: one project, one role, an expiry; a bearer token for automation.
 * The key is `irk_<8 hex id>_<32 random bytes in base64url>`: the prefix lets secret scanners find a
 * leaked one. It is shown once and stored as its SHA-256; the gateway sends only that hash over the
 * bus (`key_hash`: the SHA-256 of the whole key, in hex).
 */
export const API_KEY_PATTERN = /^irk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export const ApiKeyId = z.string().regex(/^[0-9a-f]{8}$/, { error: 'must be an API key id (8 hex digits)' });
/** The SHA-256 of the whole key, in hex: how a key is stored, and what the gateway sends to verify one. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export const ApiKeyHash = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a SHA-256 in hex' });

export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
  /** At most the creator's own role. */
  role: Role,
  /** Required: in the future, and no later than AUTH_API_KEY_MAX_TTL from now. */
  expires_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
});

export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  project_id: z.string(),
  role: Role,
  expires_at: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  /** To the minute: a key's use is written at most once a minute. */
  last_used_at: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** The answer to creating one: the only time the key itself is shown. */
export const ApiKeyCreated = ApiKeyView.extend({ key: z.string() });

const InProject = { project_id: ProjectId };

export const AuthApiKeyRpc = {
  /** Needs `api_keys:manage` (and so do list and revoke). */
  create: defineRpc('auth.rpc.apikey.create', CreateApiKeyBody.extend(InProject), ApiKeyCreated),
  /** Every key of the project, revoked and expired ones included; never a secret. */
  list: defineRpc('auth.rpc.apikey.list', z.strictObject(InProject), z.object({ items: z.array(ApiKeyView) })),
  revoke: defineRpc('auth.rpc.apikey.revoke', z.strictObject({ ...InProject, key_id: ApiKeyId }), ApiKeyView),
  /** For the gateway: whom a key acts for; 401 when it is unknown, revoked or expired. */
  verify: defineRpc('auth.rpc.apikey.verify', z.strictObject({ key_hash: ApiKeyHash }), Principal),
};

export const ApiKeyRevoked = z.object({ key_id: z.string(), revoked_at: z.string() });

export const ApiKeyEvents = {
  /** Gateways drop the key from their caches. */
  revoked: defineEvent('auth.evt.apikey.revoked', Streams.authEvents.name, ApiKeyRevoked),
};
