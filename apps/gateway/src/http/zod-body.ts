import { Body, Injectable, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { DomainError, ErrorCode, issuesFromZod } from '@ir/contracts';
import { z } from 'zod';

/** Validates a request part with a contract schema; a 400 naming each field and rule otherwise. */
@Injectable()
class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    /** For a path parameter: its name, which the issues then carry as their field. */
    private readonly parameter?: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(this.parameter ? value : (value ?? {}));
    if (result.success) return result.data;
    const issues = issuesFromZod(result.error).map((issue) => (this.parameter ? { ...issue, field: this.parameter } : issue));
    const what = this.parameter ? 'parameter' : 'request body';
    throw new DomainError(ErrorCode.validation, `invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
}

export function ValidBody<S extends z.ZodType>(schema: S): ParameterDecorator {
  return Body(new ZodValidationPipe(schema));
}

export function ValidParam<S extends z.ZodType>(name: string, schema: S): ParameterDecorator {
  return Param(name, new ZodValidationPipe(schema, name));
}

export function ValidQuery<S extends z.ZodType>(name: string, schema: S): ParameterDecorator {
  return Query(name, new ZodValidationPipe(schema, name));
}

/** The OpenAPI description of a body, generated from the same schema that validates it. */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: jsonSchemaOf(schema) });
}

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' });
  return rest;
}
