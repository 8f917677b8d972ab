import { applyDecorators, Body, Injectable, Param, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger';
import { issuesFromZod, untrustedInputIssues, validationFailed, type FieldIssue } from '@ir/contracts';
import { z } from 'zod';

/**
 * A request part checked as every value from outside is (no null characters, bounded nesting), then
 * with its contract schema; VALIDATION_FAILED naming each field and rule otherwise. Bodies, path
 * parameters and query strings (see route-query.ts) all pass here.
 */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: { what: string; root?: string; unknownField?: (issue: FieldIssue) => FieldIssue },
): z.output<S> {
  const root = part.root === undefined ? [] : [part.root];
  const unsafe = untrustedInputIssues(value, root);
  if (unsafe.length > 0) throw validationFailed(unsafe, part.what);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error).map((issue) => {
    const named = part.root === undefined ? issue : { ...issue, field: part.root };
    return named.rule === 'unknown_field' && part.unknownField ? part.unknownField(named) : named;
  });
  throw validationFailed(issues, part.what);
}

@Injectable()
class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    /** For a path parameter: its name, which the issues then carry as their field. */
    private readonly parameter?: string,
  ) {}

  transform(value: unknown): z.output<S> {
    if (this.parameter) return parseRequestPart(this.schema, value, { what: 'parameter', root: this.parameter });
    return parseRequestPart(this.schema, value ?? {}, { what: 'request body' });
  }
}

export function ValidBody<S extends z.ZodType>(schema: S): ParameterDecorator {
  return Body(new ZodValidationPipe(schema));
}

export function ValidParam<S extends z.ZodType>(name: string, schema: S): ParameterDecorator {
  return Param(name, new ZodValidationPipe(schema, name));
}

/**
 * The OpenAPI description of a body, generated from the same schema that validates it; in each of
 * `types` (default JSON), with an example that the schema's own type checks.
 */
export function ApiZodBody<S extends z.ZodType>(schema: S, options: { example?: z.input<S>; types?: string[] } = {}): MethodDecorator {
  const example = options.example === undefined ? {} : { example: options.example };
  return applyDecorators(
    ApiBody({ schema: { ...jsonSchemaOf(schema), ...example } }),
    ...(options.types ? [ApiConsumes(...options.types)] : []),
  );
}

/** An answer of `status` whose body is `schema` in each of `types` (default JSON); for several schemas, ApiResponse's own `content`. */
export function ApiZodResponse(
  status: number,
  schema: z.ZodType,
  options: { description?: string; types?: string[]; headers?: HeadersObject } = {},
): MethodDecorator {
  const types = options.types ?? ['application/json'];
  return ApiResponse({
    status,
    description: options.description ?? '',
    headers: options.headers,
    content: Object.fromEntries(types.map((type) => [type, { schema: jsonSchemaOf(schema) }])),
  });
}

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' });
  return withNullInNullableEnums(rest) as Record<string, unknown>;
}

/**
 * OpenAPI 3.0.3: `nullable` does not widen an `enum`, so a nullable enum lists null among its values
 * (zod's openapi-3.0 output leaves it out, which makes a real `role: null` invalid by the document).
 */
function withNullInNullableEnums(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullInNullableEnums);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withNullInNullableEnums(value)]));
  if (copy.nullable === true && Array.isArray(copy.enum) && !copy.enum.includes(null)) copy.enum = [...(copy.enum as unknown[]), null];
  return copy;
}
