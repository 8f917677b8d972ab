import type { NextFunction, Request, Response } from 'express';

/**
 * API answers carry a caller's data and gate writes (a manifest's ETag is the If-Match of its PUT): no
 * browser or proxy may keep them. Without this Chromium served a cached YAML manifest to a JSON request of
 * the same URL after revalidating it by its (shared) ETag. Handlers that need another policy (the SSE
 * stream) set their own header after this one.
 */
export function apiNoStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('cache-control', 'no-store');
  next();
}
