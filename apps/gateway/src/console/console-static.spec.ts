import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { CONSOLE_CSP, consoleRouter } from './console-static';

let dir: string;
const app = () => express().use('/console', consoleRouter(dir));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('consoleRouter', () => {
  it('serves index.html for the console and every path below it (the app routes in the browser), revalidated each time', async () => {
    for (const path of ['/console', '/console/', '/console/databases/665f1c2ab4d0c1e2f3a4b5c6', '/console/audit?page=2']) {
      const res = await request(app()).get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>console</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  it('keeps hashed assets for a year and sends the CSP and hardening headers on everything', async () => {
    const res = await request(app()).get('/console/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
    for (const path of ['/console/assets/index-abc123.js', '/console/']) {
      const headers = (await request(app()).get(path)).headers;
      expect(headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  it('answers a missing asset with a JSON 404, not the page, and never serves a file outside the build', async () => {
    const missing = await request(app()).get('/console/assets/index-old999.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'NOT_FOUND' });
    const outside = await request(app()).get('/console/assets/..%2f..%2fetc%2fpasswd');
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect(outside.text).not.toContain('root:');
  });

  it('says how to build the console when it is not built', async () => {
    const res = await request(express().use('/console', consoleRouter(join(dir, 'absent')))).get('/console/');
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('npm run build');
  });
});
