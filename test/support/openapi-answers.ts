// Checks real HTTP answers against the gateway's OpenAPI document: is the status listed for the
// route, is the content type one the document gives for that status, does the body match its schema?
// Used on every answer of the e2e suite (e2e-client.ts), so the document cannot drift from the code.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

type Schema = Record<string, unknown>;

interface ResponseObject {
  content?: Record<string, { schema?: Schema }>;
}

interface Operation {
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One HTTP answer, as a client saw it. */
export interface Answer {
  method: string;
  /** The request's path, without the query string. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The body as text where the client kept it. */
  text: string | undefined;
  /** The parsed JSON body, where it was JSON. */
  body: unknown;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** Routes with more fixed segments win: `/sync-status/by-database/{id}` before `/sync-status/{sync_id}`. */
  fixedSegments: number;
  operation: Operation;
}

const ERROR_SCHEMA_REF = '#/components/schemas/ErrorResponse';
const JSON_TYPES = new Set(['application/json']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);
/** Bodies the document describes only by their type: a stream, a script. */
const UNPARSED_TYPES = new Set(['text/event-stream', 'application/javascript']);

export class OpenApiAnswers {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  private readonly routes: Route[];
  private readonly validators = new Map<Schema, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.routes = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        Object.entries(item).map(([method, operation]) => ({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`),
          fixedSegments: template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length,
          operation,
        })),
      )
      .sort((a, b) => b.fixedSegments - a.fixedSegments);
  }

  /** The route of the document that `answer` came from, as `METHOD /template`. */
  routeOf(answer: Pick<Answer, 'method' | 'path'>): string | undefined {
    const route = this.route(answer);
    return route && `${route.method} ${route.template}`;
  }

  /** What is wrong with `answer` by the document; empty when nothing is. */
  problemsWith(answer: Answer): string[] {
    const route = this.route(answer);
    if (!route) return this.unroutedProblems(answer);
    const where = `${answer.method} ${route.template} answered ${answer.status}`;
    const response = route.operation.responses[String(answer.status)] ?? route.operation.responses.default;
    if (!response) {
      return [`${where}, a status the document does not list (it lists ${Object.keys(route.operation.responses).join(', ')})`];
    }
    const mediaType = answer.contentType?.split(';')[0].trim().toLowerCase();
    const hasBody = (answer.text ?? '') !== '' || (mediaType !== undefined && answer.text === undefined);
    if (!response.content || Object.keys(response.content).length === 0) {
      return hasBody ? [`${where} with a ${mediaType ?? 'typeless'} body, where the document describes none`] : [];
    }
    if (!mediaType)
      return hasBody ? [`${where} with a body of no content type`] : [`${where} with no body, where the document describes one`];
    const described = response.content[mediaType];
    if (!described) {
      return [`${where} with ${mediaType}, where the document gives ${Object.keys(response.content).join(', ')}`];
    }
    if (!described.schema || UNPARSED_TYPES.has(mediaType)) return [];
    const parsed = this.parsedBody(answer, mediaType);
    if (parsed === undefined) return [];
    return this.schemaProblems(described.schema, parsed.value).map((problem) => `${where} (${mediaType}): ${problem}`);
  }

  private route({ method, path }: Pick<Answer, 'method' | 'path'>): Route | undefined {
    return this.routes.find((r) => r.method === method && r.pattern.test(path));
  }

  /** Paths and methods no route has: Nest's 404 (or the body parsers' 4xx), in the one error schema. */
  private unroutedProblems(answer: Answer): string[] {
    const where = `${answer.method} ${answer.path} (no route in the document) answered ${answer.status}`;
    if (answer.status < 400) return [`${where}: a route the document does not list`];
    return this.schemaProblems({ $ref: ERROR_SCHEMA_REF }, answer.body).map((problem) => `${where}: ${problem}`);
  }

  private parsedBody(answer: Answer, mediaType: string): { value: unknown } | undefined {
    if (JSON_TYPES.has(mediaType)) return { value: answer.body };
    if (YAML_TYPES.has(mediaType)) return answer.text === undefined ? undefined : { value: parseYaml(answer.text) as unknown };
    return answer.text === undefined ? undefined : { value: answer.text };
  }

  private schemaProblems(schema: Schema, value: unknown): string[] {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(this.resolved(schema));
      this.validators.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, 5).map((error) => `body${error.instancePath} ${error.message ?? 'is invalid'}`);
  }

  /**
   * The schema in the JSON Schema that Ajv reads: the document's component references resolved, and
   * OpenAPI 3.0's `nullable` on a schema with no `type` (Ajv reads it only beside `type`) as "or null".
   */
  private resolved(node: unknown, depth = 0): Schema {
    if (depth > 64) throw new Error('schema nested too deep (a cycle of references?)');
    if (Array.isArray(node)) return node.map((item) => this.resolved(item, depth + 1)) as unknown as Schema;
    if (node === null || typeof node !== 'object') return node as Schema;
    const $ref = (node as Schema).$ref;
    if (typeof $ref === 'string' && $ref.startsWith('#/components/schemas/')) {
      const component = this.document.components?.schemas?.[$ref.slice('#/components/schemas/'.length)];
      if (!component) throw new Error(`the document refers to ${$ref}, which it does not define`);
      return this.resolved(component, depth + 1);
    }
    const copy: Schema = Object.fromEntries(Object.entries(node as Schema).map(([key, value]) => [key, this.resolved(value, depth + 1)]));
    if (copy.nullable === true && copy.type === undefined) {
      const { nullable: _nullable, ...nonNull } = copy;
      return { anyOf: [nonNull, { type: 'null' }] };
    }
    return copy;
  }
}
