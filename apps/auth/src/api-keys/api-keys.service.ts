import { Inject, Injectable } from '@nestjs/common';
import {
  ApiKeyEvents,
  DomainError,
  ErrorCode,
  hashApiKey,
  validationFailed,
  type ApiKeyView,
  type CreateApiKeyBody,
  type Principal,
} from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { AuditTrail, BusClient } from '@ir/messaging';
import { isDuplicateKeyError } from '@ir/platform';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AuthConfig } from '../auth.config';
import { assertGrantable } from '../access/authorize';
import { ProjectAccess } from '../projects/project-access';
import type { ApiKeyDocument } from './api-key.model';
import { ApiKeyRepository } from './api-key.repository';

/** A key's use is written at most this often: verification is on every request a gateway has not cached. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/** 32 bits of id: a collision is rare, and retried with another. */
const ID_ATTEMPTS = 5;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly access: ProjectAccess,
    private readonly bus: BusClient,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    private readonly trail: AuditTrail,
  ) {}

  /** The key is in the answer, and nowhere else ever again. */
  async create(principal: Principal, projectId: string, body: z.output<typeof CreateApiKeyBody>): Promise<ApiKeyView & { key: string }> {
    await this.access.resolve(principal, projectId, 'api_keys:manage');
    assertGrantable(principal, projectId, body.role, 'api_keys:manage');
    const now = new Date();
    const expiresAt = this.expiryOf(body.expires_at, now);
    for (let attempt = 1; ; attempt++) {
      const id = randomBytes(4).toString('hex');
      const key = `irk_${id}_${randomBytes(32).toString('base64url')}`;
      const doc: ApiKeyDocument = {
        _id: id,
        key_hash: hashApiKey(key),
        name: body.name,
        project_id: projectId,
        role: body.role,
        expires_at: expiresAt,
        created_by: principal.id,
        created_at: now,
        revoked_at: null,
        last_used_at: null,
      };
      try {
        await this.keys.insert(doc);
        await this.recordOf('api_key.created', doc);
        return { ...apiKeyView(doc), key };
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= ID_ATTEMPTS) throw error;
      }
    }
  }

  async list(principal: Principal, projectId: string): Promise<{ items: ApiKeyView[] }> {
    await this.access.resolve(principal, projectId, 'api_keys:manage');
    return { items: (await this.keys.listOfProject(projectId)).map(apiKeyView) };
  }

  /** Idempotent: revoking a revoked key answers it as it is, and announces the revocation again. */
  async revoke(principal: Principal, projectId: string, keyId: string): Promise<ApiKeyView> {
    await this.access.resolve(principal, projectId, 'api_keys:manage');
    const key = await this.keys.revoke(projectId, keyId, new Date());
    if (!key?.revoked_at) throw new DomainError(ErrorCode.notFound, 'API key not found');
    await this.recordOf('api_key.revoked', key);
    await this.bus.publish(
      ApiKeyEvents.revoked,
      { key_id: key._id, revoked_at: key.revoked_at.toISOString() },
      { msgId: `apikey-revoked:${key._id}` },
    );
    return apiKeyView(key);
  }

  /** Whom a presented key acts for: its project with its role. One 401 for unknown, revoked and expired keys. */
  async verify(keyHash: string): Promise<Principal> {
    const now = new Date();
    const key = await this.keys.findByHash(keyHash);
    if (!key || key.revoked_at || key.expires_at <= now) {
      throw new DomainError(ErrorCode.unauthenticated, 'API key is invalid, expired or revoked');
    }
    const notBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (!key.last_used_at || key.last_used_at < notBefore) await this.keys.touch(key._id, now, notBefore);
    return { kind: 'api_key', id: key._id, name: key.name, projects: { [key.project_id]: key.role } };
  }

  /** The entry of a change to a key: its id, name, role and expiry, never the key or its hash. */
  private recordOf(action: 'api_key.created' | 'api_key.revoked', key: ApiKeyDocument): Promise<void> {
    return this.trail.record({
      action,
      outcome: 'succeeded',
      projectId: key.project_id,
      target: { kind: 'api_key', id: key._id, name: key.name },
      details: { role: key.role, expires_at: key.expires_at.toISOString() },
    });
  }

  /** Required, in the future, and within AUTH_API_KEY_MAX_TTL. */
  private expiryOf(text: string, now: Date): Date {
    const expiresAt = new Date(text);
    const latest = now.getTime() + this.config.AUTH_API_KEY_MAX_TTL;
    const problem =
      expiresAt.getTime() <= now.getTime()
        ? 'must be in the future'
        : expiresAt.getTime() > latest
          ? `must be at most ${Math.floor(this.config.AUTH_API_KEY_MAX_TTL / 86_400_000)} days from now (AUTH_API_KEY_MAX_TTL), that is before ${new Date(latest).toISOString()}`
          : undefined;
    if (problem) throw validationFailed([{ field: 'expires_at', rule: 'out_of_range', message: problem }]);
    return expiresAt;
  }
}

export function apiKeyView(key: ApiKeyDocument): ApiKeyView {
  return {
    id: key._id,
    name: key.name,
    project_id: key.project_id,
    role: key.role,
    expires_at: key.expires_at.toISOString(),
    created_by: key.created_by,
    created_at: key.created_at.toISOString(),
    revoked_at: key.revoked_at?.toISOString() ?? null,
    last_used_at: key.last_used_at?.toISOString() ?? null,
  };
}
