// The OpenAPI document the gateway serves, and the check that keeps it true: every answer the e2e
// suites get through api() / authedApi() is checked against it (test/support/e2e-openapi.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TERMINAL_SYNC_STATUSES, type SyncStatus } from '@ir/contracts';
import { api, authedApi, createTargetDatabase, dataDir, eventually, gateway, loggedInUser } from './support/e2e-client';

const BASE = '/api/doctor-manager-api/v1';

describe('the OpenAPI document', () => {
  it('is served as JSON and YAML, with the one error schema and both bearer schemes', async () => {
    const json = await gateway().get('/docs/openapi.json').expect(200);
    expect(json.body.components.schemas.ErrorResponse.required).toEqual(['statusCode', 'error', 'message']);
    expect(Object.keys(json.body.components.securitySchemes as object).sort()).toEqual(['access-token', 'api-key']);
    expect(json.body.paths[`${BASE}/auth/login`].post.security).toEqual([]);
    const yaml = await gateway().get('/docs/openapi.yaml').expect(200);
    expect(yaml.text).toContain('ErrorResponse:');
  });

  it('is the one the suites check their answers against', async () => {
    const served = (await gateway().get('/docs/openapi.json')).body as object;
    expect(JSON.parse(readFileSync(process.env.E2E_OPENAPI_FILE!, 'utf8'))).toEqual(served);
  });

  it('checks the main answers of a database: 201, JSON and YAML manifests, the script as JavaScript, a sync and its events, errors', async () => {
    const user = await loggedInUser('admin');
    const client = authedApi(user.tokens.access_token);
    const db = await createTargetDatabase(client);
    await client
      .post('/indexes')
      .send({ database_id: db.id, collection: 'orders', keys: [{ field: 'a', value: 1 }] })
      .expect(201);
    await client.get(`/databases/${db.id}/manifest`).set('Accept', 'application/yaml').buffer(true).expect(200);
    await client.get(`/databases/${db.id}/manifest`).expect(200);
    await client.put(`/databases/${db.id}/manifest?dry_run=true`).set('If-Match', '"0"').send({ version: 1, collections: {} }).expect(412);
    await client
      .post('/indexes/generate-script')
      .set('Accept', 'application/javascript')
      .buffer(true)
      .send({ database_id: db.id, mode: 'create' })
      .expect(200);
    await client.post('/indexes/generate-script').send({ database_id: db.id, mode: 'plan' }).expect(200);
    await client.post('/indexes/plan').send({ database_id: db.id }).expect(200);
    const sync = await client.post('/indexes/sync-by-database').send({ database_id: db.id }).expect(202);
    const ended = await eventually(async () => {
      const status = await client.get(`/indexes/sync-status/${sync.body.sync_id}`).expect(200);
      return TERMINAL_SYNC_STATUSES.includes(status.body.status as SyncStatus);
    }, 20_000);
    expect(ended).toBe(true);
    // An ended sync's stream sends its status and ends.
    await client.get(`/indexes/sync-status/${sync.body.sync_id}/events`).buffer(true).expect(200);
    await client.get(`/indexes/sync-status/by-database/${db.id}`).expect(200);
    await client.get(`/databases/${db.id}/drift`).expect(200);
    await client.get('/projects').expect(200);
    await client.get(`/projects/${user.projectId}`).expect(200);
    await client.get(`/projects/${user.projectId}/members`).expect(200);
    await client.get(`/invitations?project_id=${user.projectId}`).expect(200);
    await client.delete(`/databases/${db.id}`).expect(200);
    await client.get(`/databases/${db.id}`).expect(404);
  });

  it('fails a request whose answer the document does not list (the check is live, not a formality)', async () => {
    const document = JSON.parse(readFileSync(process.env.E2E_OPENAPI_FILE!, 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    delete document.paths[`${BASE}/auth/profile`].get.responses['401'];
    const doctored = join(dataDir(), `openapi-without-401-${process.pid}.json`);
    writeFileSync(doctored, JSON.stringify(document));
    // The checker reads its document once per module registry, at its first request: a fresh
    // registry (isolateModules) with E2E_OPENAPI_FILE pointing at the doctored copy checks against it.
    const saved = process.env.E2E_OPENAPI_FILE;
    process.env.E2E_OPENAPI_FILE = doctored;
    try {
      let checkedApi: typeof api = api;
      jest.isolateModules(() => {
        checkedApi = (require('./support/e2e-client') as { api: typeof api }).api;
      });
      await expect(checkedApi().get('/auth/profile')).rejects.toThrow(
        'GET /api/doctor-manager-api/v1/auth/profile answered 401, a status the document does not list',
      );
    } finally {
      process.env.E2E_OPENAPI_FILE = saved;
    }
    expect((await api().get('/auth/profile')).status).toBe(401);
  });
});
