import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** The name of the one error schema in the OpenAPI document's components. */
export const ERROR_SCHEMA = 'ErrorResponse';

/** What each error status means on this API: one table for the document's every error answer. */
export const ERROR_ANSWERS = {
  400: 'Invalid request: `issues` names each failing field and rule (body, path parameter or query string)',
  401: 'Not authenticated: credentials missing, invalid, expired or revoked (on login and refresh: a wrong password or refresh token)',
  403: 'The caller lacks the permission the route needs (the message names it)',
  404: 'Not found, or not visible to the caller (a resource of a project the caller is not in)',
  409: 'Conflicts with the current state (the message says how; `details` may name the record in the way)',
  412: 'If-Match names a version that is no longer current: fetch again and reapply',
  413: 'Request body over the size limit (BODY_LIMIT)',
  415: 'Request body neither JSON nor (for a manifest) YAML, or with an unsupported encoding or charset',
  422: 'The target database cannot be used as given (the failing field is named)',
  429: 'Too many requests (or invalid API keys) from this address; try again later',
  500: 'Internal error: quote the request id to find it in the logs',
  502: 'The target database refused or failed the operation',
  503: 'A backend service is unavailable (the message names it)',
  504: 'A backend service or the target database did not answer in time',
} as const;
export type ErrorStatus = keyof typeof ERROR_ANSWERS;

/** The answers of a route that connects to the target database: it may be refused, fail, or be too slow. */
export const TARGET_ERRORS = [422, 502, 504] as const satisfies readonly ErrorStatus[];

/** On every answer: the request's correlation id (the caller's own `x-request-id` when it sent a plain one). */
export const REQUEST_ID_HEADER = {
  'x-request-id': { description: 'The correlation id of the request, as in the logs and `request_id`', schema: { type: 'string' } },
};

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again (from the rate limit of the auth routes)',
    schema: { type: 'integer' },
  },
};

export function errorAnswer(status: ErrorStatus) {
  return {
    description: ERROR_ANSWERS[status],
    headers: status === 429 ? { ...REQUEST_ID_HEADER, ...RETRY_AFTER_HEADER } : REQUEST_ID_HEADER,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
  };
}

/**
 * The error statuses a route answers beyond those every route does (see `openapi-document.ts`), each
 * with the one error schema: `@ApiErrors(404, 409)`.
 */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, ...errorAnswer(status) })));
}
