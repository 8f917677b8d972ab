import { ApiError, apiFetch } from './client';
import type { ManifestApplyResult } from './types';

const YAML = 'application/yaml';

/** The manifest as YAML, and its ETag (the definitions' version) to send back in If-Match. */
export interface ManifestText {
  yaml: string;
  etag: string;
}

export async function loadManifest(databaseId: string): Promise<ManifestText> {
  const response = await apiFetch(`/databases/${databaseId}/manifest`, { accept: YAML });
  return { yaml: await response.text(), etag: response.headers.get('etag') ?? '*' };
}

/**
 * `PUT /databases/:id/manifest` with the YAML as typed, guarded by If-Match: the API answers 412
 * (`isStale`) when the definitions changed since `etag` was read.
 */
export async function applyManifest(
  databaseId: string,
  yaml: string,
  { etag, dryRun, allowDeletions }: { etag: string; dryRun: boolean; allowDeletions: boolean },
): Promise<ManifestApplyResult> {
  const query = new URLSearchParams({ dry_run: String(dryRun), allow_deletions: String(allowDeletions) });
  const response = await apiFetch(`/databases/${databaseId}/manifest?${query}`, {
    method: 'PUT',
    text: yaml,
    contentType: YAML,
    headers: { 'if-match': etag },
  });
  return (await response.json()) as ManifestApplyResult;
}

export const isStale = (error: unknown): boolean => error instanceof ApiError && error.status === 412;
