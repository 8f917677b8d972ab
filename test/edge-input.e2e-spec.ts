// Strict input at the edge: query strings, body encodings, values MongoDB refuses, names that
// collide with Object.prototype, and no parser or driver text in any answer.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import {
  apiUrl,
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  type DatabaseBody,
  defineIndex,
  expectError,
  gateway,
  loggedInUser,
} from './support/e2e-client';

let client: AuthedApi;
let token: string;
let db: DatabaseBody;

beforeAll(async () => {
  const user = await loggedInUser();
  token = user.tokens.access_token;
  client = authedApi(token);
  db = await createTargetDatabase(client);
});

const INTERNAL_TEXT = /BSONError|MongoServerError|TypeError|RangeError|Maximum call stack|Invalid namespace|node_modules|\n\s+at /;

function expectIssue(res: { status: number; body: Record<string, unknown>; text: string }, field: string, rule?: string): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]));
  expect(res.text).not.toMatch(INTERNAL_TEXT);
}

describe('query strings', () => {
  it.each(['dryrun=true', 'dry-run=true', 'DRY_RUN=true'])('PUT manifest?%s is a 400 naming it, and changes nothing', async (query) => {
    const target = await createTargetDatabase(client);
    await defineIndex(client, target.id, 'orders', [{ field: 'status', value: 1 }]);
    const res = await client.put(`/databases/${target.id}/manifest?${query}`).send({ version: 1, collections: {} });
    expectIssue(res, query.split('=')[0], 'unknown_parameter');
    const after = await client.get(`/databases/${target.id}/manifest`);
    expect(Object.keys(after.body.collections as object)).toEqual(['orders']);
  });

  it('dry_run=true is still a dry run, and a bad value of it is a 400', async () => {
    const dry = await client.put(`/databases/${db.id}/manifest?dry_run=true`).send({ version: 1, collections: {} });
    expect(dry.status).toBe(200);
    expect(dry.body.dry_run).toBe(true);
    expectIssue(await client.put(`/databases/${db.id}/manifest?dry_run=yes`).send({ version: 1, collections: {} }), 'dry_run');
  });

  it('routes that declare no query refuse any, even unauthenticated ones and health', async () => {
    expectIssue(await client.get(`/databases/${db.id}?verbose=1`), 'verbose', 'unknown_parameter');
    expectIssue(await client.post('/databases/list?page=2').send({}), 'page', 'unknown_parameter');
    expectIssue(await gateway().get('/health?x=1'), 'x', 'unknown_parameter');
    expectIssue(await client.get(`/indexes/sync-status/by-database/${db.id}?page=1&__proto__=1`), '__proto__', 'unknown_parameter');
  });

  it('a null character in a query value or a path parameter is a 400 naming it', async () => {
    expectIssue(await client.get(`/indexes/sync-status/by-database/${db.id}?page=%00`), 'page', 'null_character');
    expectIssue(await client.get('/databases/%00'), 'id', 'null_character');
  });

  it("the OpenAPI document lists each route's query parameters from the same schemas", async () => {
    const res = await gateway().get('/docs/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    const queryOf = (path: string, method: string) =>
      (paths[`/api/doctor-manager-api/v1${path}`][method].parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(queryOf('/databases/{id}/manifest', 'put')).toEqual(['dry_run', 'allow_deletions']);
    expect(queryOf('/indexes/sync-status/by-database/{database_id}', 'get').sort()).toEqual(['limit', 'page']);
    expect(queryOf('/databases/{id}/manifest', 'get')).toEqual([]);
  });
});

/** A POST with these exact bytes (supertest would serialize a Buffer sent as JSON). */
async function postBytes(
  path: string,
  encoding: string,
  body: Buffer,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`${apiUrl()}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': encoding },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

describe('body encodings', () => {
  const json = Buffer.from(JSON.stringify({ page: 1 }));
  const corrupt: [string, Buffer][] = [
    ['gzip', Buffer.from('1f8b0800000000000003ffff', 'hex')],
    ['gzip', gzipSync(json).subarray(0, 12)],
    ['deflate', Buffer.from('not deflate at all')],
    ['br', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00])],
  ];

  it.each(corrupt)('a corrupt or truncated %s body is a 400 with the request id', async (encoding, body) => {
    expectIssue(await postBytes('/databases/list', encoding, body), '(body)', 'content_encoding');
  });

  it('an unsupported encoding is a 415 with the request id', async () => {
    expectError(await postBytes('/databases/list', 'compress', json), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['br', brotliCompressSync(json)],
  ])('a valid %s body is read', async (encoding, body) => {
    const res = await postBytes('/databases/list', encoding, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1 });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'])(
    'a body sent as %s is a 415 with the request id, not an empty body',
    async (type) => {
      const res = await fetch(`${apiUrl()}/databases/list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: 'page=1',
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect({ status: res.status, error: body.error, request_id: typeof body.request_id }).toEqual({
        status: 415,
        error: 'UNSUPPORTED_MEDIA_TYPE',
        request_id: 'string',
      });
    },
  );

  it('a POST without a body is still read as an empty one', async () => {
    const res = await fetch(`${apiUrl()}/databases/list`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('the body limit applies to the decoded size', async () => {
    const bomb = gzipSync(JSON.stringify({ search: ' '.repeat(2 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(16 * 1024);
    expectError(await postBytes('/databases/list', 'gzip', bomb), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('values MongoDB refuses', () => {
  it('a null character in a search is a 400 naming the field, not a BSONError', async () => {
    expectIssue(await client.post('/databases/list').send({ search: 'a\u0000b' }), 'search', 'null_character');
    const res = await client.post('/indexes/list-by-collection').send({ database_id: db.id, collection: 'orders', search: 'a\u0000b' });
    expectIssue(res, 'search', 'null_character');
  });

  it.each(['', 'a$b', 'a\u0000b', 'system.views', 'é'.repeat(127)])('collection name %j is a 400 naming the field', async (collection) => {
    const res = await client.post('/indexes').send({ database_id: db.id, collection, keys: [{ field: 'a', value: 1 }] });
    expectIssue(res, 'collection');
    expectIssue(
      await client.post('/indexes/compare-by-collections').send({ database_id: db.id, collections: [collection] }),
      'collections.0',
    );
  });

  it("a namespace over 255 bytes is refused by the registry, which knows the database's name", async () => {
    const long = await createTargetDatabase(client, { db_name: `l${'x'.repeat(59)}` });
    const collection = 'c'.repeat(200);
    expectIssue(
      await client.post('/indexes').send({ database_id: long.id, collection, keys: [{ field: 'a', value: 1 }] }),
      'collection',
      'namespace_length',
    );
    const manifest = { version: 1, collections: { [collection]: [{ name: 'a_1', keys: [{ field: 'a', value: 1 }] }] } };
    expectIssue(await client.put(`/databases/${long.id}/manifest`).send(manifest), `collections.${collection}`, 'namespace_length');
    expectIssue(
      await client.post('/indexes/compare-by-collections').send({ database_id: long.id, collections: [collection] }),
      'collections.0',
      'namespace_length',
    );
  });

  it.each(['', 'a.b', 'a b', 'a\u0000b', 'a*b', 'é'.repeat(32), 'x'.repeat(64)])(
    'database name %j is a 400 naming the field',
    async (dbName) => {
      const res = await client.post('/databases').send({ name: 'x', uri: 'mongodb://127.0.0.1:1/', db_name: dbName });
      expectIssue(res, 'db_name');
    },
  );
});

describe('names that collide with Object.prototype', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

  it('round-trip through POST /indexes, manifest export (JSON and YAML) and apply', async () => {
    const target = await createTargetDatabase(client);
    for (const name of names) await defineIndex(client, target.id, name, [{ field: 'a', value: 1 }]);
    const exported = await client.get(`/databases/${target.id}/manifest`);
    expect(exported.status).toBe(200);
    expect(Object.keys(exported.body.collections as object).sort()).toEqual([...names].sort());

    const yaml = await client.get(`/databases/${target.id}/manifest`).set('Accept', 'application/yaml');
    expect(yaml.status).toBe(200);
    const fromYaml = parseYaml(yaml.text) as { collections: Record<string, unknown> };
    expect(Object.keys(fromYaml.collections).sort()).toEqual([...names].sort());

    const again = await client.put(`/databases/${target.id}/manifest`).set('Content-Type', 'application/yaml').send(yaml.text);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: [], updated: [], deleted: [] });
    expect((again.body.unchanged as unknown[]).length).toBe(names.length);
  });

  it('a __proto__ collection in a JSON manifest is applied, not dropped', async () => {
    const target = await createTargetDatabase(client);
    const body = '{"version":1,"collections":{"__proto__":[{"name":"b_1","keys":[{"field":"b","value":1}]}]}}';
    const res = await client.put(`/databases/${target.id}/manifest`).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body.created).toEqual([{ collection: '__proto__', name: 'b_1' }]);
    const exported = await client.get(`/databases/${target.id}/manifest`);
    expect(exported.text).toContain('"__proto__":[{"name":"b_1"');
  });

  it('a __proto__ field in a partial filter or weights is kept', async () => {
    const target = await createTargetDatabase(client);
    const body =
      '{"database_id":"' +
      target.id +
      '","collection":"c","keys":[{"field":"a","value":1}],"options":{"partial_filter_expression":{"__proto__":{"$exists":true}}}}';
    const res = await client.post('/indexes').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body.options)).toBe('{"partial_filter_expression":{"__proto__":{"$exists":true}}}');
  });
});

describe('no parser text in answers', () => {
  it('an offline snapshot entry that is not valid Extended JSON is a 400 naming it, not a BSONError', async () => {
    const res = await client.post('/indexes/compare-snapshot').send({
      database_id: db.id,
      collections: [{ name: 'orders', indexes: [{ v: 2, key: { a: 1 }, name: 'a_1', when: { $date: { $numberLong: 'soon' } } }] }],
    });
    expectIssue(res, 'collections.0.indexes.0', 'extended_json');
  });

  it('deeply nested YAML is a 400 with its line and column', async () => {
    const res = await client
      .put(`/databases/${db.id}/manifest`)
      .set('Content-Type', 'application/yaml')
      .send(`version: 1\ncollections: ${'['.repeat(5000)}`);
    expectIssue(res, '(body)', 'yaml');
    expect(res.body.issues[0].message).toMatch(/\(line 2, column \d+\)$/);
  });

  it('deeply nested JSON is a 400 naming where', async () => {
    const res = await client
      .post('/databases/list')
      .set('Content-Type', 'application/json')
      .send(`{"search":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expectIssue(res, `search${'.0'.repeat(127)}`, 'max_depth');
  });

  it('without a bearer token the query is not looked at first', async () => {
    const res = await gateway().get(`/api/doctor-manager-api/v1/databases/${db.id}?verbose=1`);
    expectError(res, 401);
    expect(token).toBeTruthy();
  });
});
