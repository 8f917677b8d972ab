import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type Request, type Response } from 'express';

/** Where `npm run build` puts the console (vite's outDir), from this file's place in dist/apps/gateway/src/console. */
export const DEFAULT_CONSOLE_DIR = resolve(__dirname, '../../../../console');

/**
 * The console's Content-Security-Policy: everything from the gateway's own origin, nothing inline,
 * no frames. The console calls the API on the same origin, so connect-src 'self' is all it needs.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names the built files by their content's hash: a new build has new names, so they may be kept for a year. */
const HASHED_ASSET = 'public, max-age=31536000, immutable';
/** index.html names the current build's files: browsers ask again every time (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

function securityHeaders(res: Response): void {
  res.set({
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  });
}

/**
 * Serves the web console's static build under /console: the hashed assets with long caching, and for
 * every other path below it index.html (the single-page app routes in the browser). A missing asset
 * is a 404, never index.html, so a stale page's request for an old build's file fails plainly.
 */
export function consoleRouter(dir: string): Router {
  const router = Router();
  const index = join(dir, 'index.html');
  router.use((_req, res, next) => {
    securityHeaders(res);
    if (existsSync(index)) return next();
    res.status(404).json({ statusCode: 404, error: 'NOT_FOUND', message: 'the console is not built: run `npm run build`' });
  });
  const notFound = { statusCode: 404, error: 'NOT_FOUND', message: 'no such file in the console build' };
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), { index: false, setHeaders: (res) => res.setHeader('cache-control', HASHED_ASSET) }),
    (_req: Request, res: Response) => void res.status(404).json(notFound),
  );
  router.get(/.*/, (_req, res) => {
    res.set('cache-control', REVALIDATE);
    res.sendFile(index);
  });
  return router;
}
