// Requests for every route of the gateway's OpenAPI document: bodies from the route's schema with
// mutations, query strings, path parameters and headers; and what every answer must satisfy.
import fc from 'fast-check';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { stringify as toYaml } from 'yaml';
import { mutate, mutationArbitrary } from './mutations';
import { idLike, schemaArbitrary, trickyString, type FuzzFixtures, type JsonSchema } from './schema-arbitrary';

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface Route {
  readonly method: string;
  /** As the document writes it: `/api/.../databases/{id}`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: readonly OpenApiParameter[];
  readonly body?: JsonSchema;
}

export function routesOf(document: { paths: Record<string, Record<string, OpenApiOperation>> }): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (operation.parameters ?? []).filter((p) => p.in === 'query'),
      body: operation.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

export interface FuzzRequest {
  readonly route: Route;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** The request's own strings: an answer may echo them, so they are not taken for internal text. */
  readonly echoes: readonly string[];
}

export interface Credentials {
  readonly accessToken: string;
  /** For logout, which would otherwise end the session every other request uses. */
  readonly sacrificialToken: string;
}

const CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'text/plain',
  'application/json; charset=latin1',
  'multipart/form-data; boundary=x',
  'foo/bar',
  'application/x-www-form-urlencoded',
];
const ACCEPTS = ['application/json', 'application/yaml', 'application/javascript', '*/*', 'text/html', ';;;', 'application/json;q=0'];
const CLIENT_ADDRESSES = ['10.77.0.1', '10.77.0.2', '10.77.0.3'];

type Encoding =
  'identity' | 'gzip' | 'deflate' | 'br' | 'corrupt-gzip' | 'corrupt-deflate' | 'corrupt-br' | 'truncated-gzip' | 'unsupported';

function encode(bytes: Buffer, encoding: Encoding): { bytes: Buffer; header?: string } {
  switch (encoding) {
    case 'identity':
      return { bytes };
    case 'gzip':
      return { bytes: gzipSync(bytes), header: 'gzip' };
    case 'deflate':
      return { bytes: deflateSync(bytes), header: 'deflate' };
    case 'br':
      return { bytes: brotliCompressSync(bytes), header: 'br' };
    case 'corrupt-gzip':
      return { bytes: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), bytes]), header: 'gzip' };
    case 'corrupt-deflate':
      return { bytes, header: 'deflate' };
    case 'corrupt-br':
      return { bytes: Buffer.concat([Buffer.from([0xff, 0xff]), bytes]), header: 'br' };
    case 'truncated-gzip': {
      const zipped = gzipSync(bytes);
      return { bytes: zipped.subarray(0, Math.max(4, zipped.length >> 1)), header: 'gzip' };
    }
    case 'unsupported':
      return { bytes, header: 'compress, zstd' };
  }
}

/**
 * A body the fuzz may send: a `uri` anywhere is the test's own target or no MongoDB URI at all, so
 * the fuzz registers no other server. Database names FerretDB refuses but MongoDB allows (`!`,
 * unicode) are sent as they are: the answer is a 502 `server_error` in our words.
 */
function withSafeTargets(value: unknown, targetUri: string): unknown {
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null) continue;
    for (const key of Object.keys(item)) {
      const child = (item as Record<string, unknown>)[key];
      if (key === 'uri' && typeof child === 'string' && child !== targetUri && /^\s*mongodb/i.test(child)) {
        Object.defineProperty(item, key, { value: targetUri, enumerable: true, writable: true, configurable: true });
      } else pending.push(child);
    }
  }
  return value;
}

function stringsOf(value: unknown): string[] {
  const out: string[] = [];
  const pending = [value];
  while (pending.length > 0 && out.length < 2_000) {
    const item = pending.pop();
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'object' && item !== null)
      for (const key of Object.keys(item)) pending.push(key, (item as Record<string, unknown>)[key]);
  }
  return out;
}

function pathValue(route: Route, fixtures: FuzzFixtures): fc.Arbitrary<string> {
  // Deleting a fixture would leave the rest of the run with 404s: deletes get other ids.
  const ids = route.method === 'DELETE' ? idLike({ ...fixtures, ids: fixtures.disposableIds }) : idLike(fixtures);
  return fc.oneof(
    { arbitrary: ids.map(urlEncode), weight: 8 },
    { arbitrary: trickyString(), weight: 2 },
    { arbitrary: fc.constantFrom('%00', '%', '..', '%2F', 'a/b'), weight: 1 },
  );
}

function queryArbitrary(route: Route, fixtures: FuzzFixtures): fc.Arbitrary<string> {
  const declared = route.query.map((parameter) =>
    fc.option(
      fc
        .oneof(
          { arbitrary: schemaArbitrary(parameter.schema, fixtures, parameter.name), weight: 4 },
          { arbitrary: trickyString(), weight: 1 },
        )
        .map((value) => `${urlEncode(parameter.name)}=${urlEncode(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))}`),
      { nil: undefined },
    ),
  );
  // Mostly none: a request with an unknown parameter is refused before it reaches anything else.
  const unknown = fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom(
          'dryrun=true',
          'dry-run=true',
          'DRY_RUN=true',
          '__proto__=1',
          'a[b]=1',
          'page=1&page=2',
          '%00=1',
          'constructor[prototype][x]=1',
          '&&&',
          '=',
        ),
        fc.tuple(trickyString(), trickyString()).map(([k, v]) => `${urlEncode(k)}=${urlEncode(v)}`),
      ),
    },
  );
  return fc
    .tuple(fc.tuple(...declared), unknown)
    .map(([parts, extra]) => [...parts, extra].filter((p): p is string => p !== undefined).join('&'));
}

/** The header set of one request: who calls (valid token, none, garbage) and how the body is sent. */
function headersArbitrary(route: Route, credentials: Credentials) {
  const token = route.path.endsWith('/auth/logout') ? credentials.sacrificialToken : credentials.accessToken;
  const [head, payload, signature] = token.split('.');
  return fc.record({
    authorization: fc.oneof(
      { arbitrary: fc.constant(`Bearer ${token}`), weight: 12 },
      { arbitrary: fc.constant(undefined), weight: 2 },
      {
        arbitrary: fc.constantFrom(
          `Bearer ${head}.${payload}.${signature.split('').reverse().join('')}`,
          `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
          'Bearer',
          'Basic YWRtaW46YWRtaW4=',
          `Bearer ${'a'.repeat(10_000)}`,
          'Bearer a.b.c',
          `bearer ${token}`,
        ),
        weight: 2,
      },
      { arbitrary: fc.string({ unit: fc.constantFrom(...'ABCabc012.-_ '), maxLength: 64 }).map((s) => `Bearer ${s}`), weight: 1 },
    ),
    contentType: fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 12 },
      { arbitrary: fc.constantFrom(...CONTENT_TYPES, undefined), weight: 2 },
    ),
    encoding: fc.oneof(
      { arbitrary: fc.constant<Encoding>('identity'), weight: 14 },
      {
        arbitrary: fc.constantFrom<Encoding>(
          'gzip',
          'deflate',
          'br',
          'corrupt-gzip',
          'corrupt-deflate',
          'corrupt-br',
          'truncated-gzip',
          'unsupported',
        ),
        weight: 3,
      },
    ),
    accept: fc.option(fc.constantFrom(...ACCEPTS), { nil: undefined, freq: 2 }),
    requestId: fc.option(
      fc.oneof(fc.uuid(), fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/ '), maxLength: 300 }), fc.constant('x'.repeat(5_000))),
      { nil: undefined, freq: 2 },
    ),
    clientAddress: fc.constantFrom(...CLIENT_ADDRESSES),
  });
}

/** Every part of one request to `route`, from one draw of fast-check. */
export function requestArbitrary(route: Route, base: string, fixtures: FuzzFixtures, credentials: Credentials): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...route.pathParams.map(() => pathValue(route, fixtures)));
  const body = route.body
    ? fc
        .tuple(schemaArbitrary(route.body, fixtures), mutationArbitrary(), fc.nat(19))
        .map(([value, mutation, format]) => ({ value: withSafeTargets(mutate(value, mutation), fixtures.targetUri), format }))
    : fc.option(
        fc.jsonValue({ maxDepth: 2 }).map((value) => ({ value, format: 0 })),
        { nil: undefined, freq: 6 },
      );
  return fc
    .tuple(params, queryArbitrary(route, fixtures), body, headersArbitrary(route, credentials))
    .map(([values, query, payload, h]) => {
      let path = route.path;
      route.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, values[i])));
      const headers: Record<string, string> = { 'x-forwarded-for': h.clientAddress };
      if (h.authorization) headers.authorization = h.authorization;
      if (h.accept) headers.accept = h.accept;
      if (h.requestId) headers['x-request-id'] = h.requestId;
      let bytes: Buffer | undefined;
      if (payload && route.method !== 'GET' && route.method !== 'DELETE') {
        // Mostly JSON; sometimes YAML (the manifest's other form) or bytes that are neither.
        const text =
          payload.format === 0 ? 'not json {' : payload.format === 1 ? yamlOf(payload.value) : (JSON.stringify(payload.value) ?? 'null');
        const encoded = encode(Buffer.from(text), h.encoding);
        bytes = encoded.bytes;
        if (encoded.header) headers['content-encoding'] = encoded.header;
        if (h.contentType)
          headers['content-type'] = payload.format === 1 && h.contentType === 'application/json' ? 'application/yaml' : h.contentType;
      }
      const echoes = [
        ...stringsOf(payload?.value),
        ...values.map((v) => safeDecode(v)),
        ...query.split(/[&=]/).map(safeDecode),
        h.requestId ?? '',
      ];
      return {
        route,
        url: `${base}${path}${query ? `?${query}` : ''}`,
        headers,
        body: bytes,
        echoes: echoes.filter((s) => s.length >= 4 && s.length <= 1_000).slice(0, 200),
      };
    });
}

/** YAML text, or for values nested too deep for the yaml library's writer, JSON (which is YAML too). */
function yamlOf(value: unknown): string {
  try {
    return toYaml(value ?? null);
  } catch {
    return JSON.stringify(value) ?? 'null';
  }
}

/** Percent-encoding, with lone surrogates (which encodeURIComponent throws on) as U+FFFD. */
function urlEncode(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
