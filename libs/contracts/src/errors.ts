import { z } from 'zod';

/**
 * Error codes that cross the bus. Each maps to one HTTP status in the gateway,
 * so a service says what went wrong and the gateway alone decides how HTTP says it.
 */
export const ErrorCode = {
  validation: 'VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  /** A condition the request set (If-Match) no longer holds. */
  preconditionFailed: 'PRECONDITION_FAILED',
  unprocessable: 'UNPROCESSABLE',
  rateLimited: 'RATE_LIMITED',
  badGateway: 'BAD_GATEWAY',
  unavailable: 'SERVICE_UNAVAILABLE',
  timeout: 'TIMEOUT',
  internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
};

export const FieldIssue = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;

export const ErrorBody = z.object({
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  issues: z.array(FieldIssue).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * The one error type a handler throws on purpose. Its body travels in the reply
 * as is; anything else a handler throws becomes INTERNAL with no detail leaked.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, issues: this.issues, details: this.details };
  }

  static fromBody(body: ErrorBody): DomainError {
    return new DomainError(body.code, body.message, body.issues, body.details);
  }
}

/** Field issues from a zod error, with dotted paths (`keys.0.field`) and zod's rule code. */
export function issuesFromZod(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join('.'),
        rule: 'unknown_field',
        message: `unknown field "${key}"`,
      }));
    }
    return [{ field: issue.path.join('.') || '(body)', rule: issue.code, message: issue.message }];
  });
}

export function validationError(error: z.ZodError, what = 'request'): DomainError {
  return validationFailed(issuesFromZod(error), what);
}

/** VALIDATION_FAILED naming each field and what is wrong with it. */
export function validationFailed(issues: FieldIssue[], what = 'request'): DomainError {
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new DomainError(ErrorCode.validation, `invalid ${what}: ${summary}`, issues);
}
