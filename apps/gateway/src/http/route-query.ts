import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import { jsonSchemaOf, parseRequestPart } from './zod-body';

const QUERY_SCHEMA = Symbol('index-registry.route-query');

/** What a route that declares no query string takes: none. */
const NO_QUERY = z.strictObject({});

/** Each request's query string as its route's schema parsed it. */
const parsedQueries = new WeakMap<Request, unknown>();

interface PropertySchema {
  description?: string;
  [key: string]: unknown;
}

/**
 * Declares a route's query string with a strict zod schema from the contracts: the one place its
 * parameters are validated (by `StrictQueryInterceptor`) and listed in the OpenAPI document.
 */
export function RouteQuery(schema: z.ZodObject): MethodDecorator {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, PropertySchema>; required?: string[] };
  return applyDecorators(
    SetMetadata(QUERY_SCHEMA, schema),
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property, description: property.description }),
    ),
  );
}

/** The route's query string, parsed by its `RouteQuery` schema. */
export const ParsedQuery = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  parsedQueries.get(context.switchToHttp().getRequest<Request>()),
);

/**
 * Every route's query string against its declared schema, or against none: an unknown parameter
 * (`?dryrun=true` for `?dry_run=true`) is a 400 naming it, never ignored.
 */
@Injectable()
export class StrictQueryInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const schema = this.reflector.get<z.ZodObject | undefined>(QUERY_SCHEMA, context.getHandler()) ?? NO_QUERY;
      const request = context.switchToHttp().getRequest<Request>();
      parsedQueries.set(
        request,
        parseRequestPart(
          schema,
          { ...request.query },
          {
            what: 'query string',
            unknownField: (issue) => ({ ...issue, rule: 'unknown_parameter', message: `unknown query parameter "${issue.field}"` }),
          },
        ),
      );
    }
    return next.handle();
  }
}
