import { currentRequestContext } from '@ir/platform';
import { FieldIssue } from '@ir/contracts';
import { z } from 'zod';

/**
 * The body of every error answer: a status, a stable code, a message, the failing fields, the request
 * id. The OpenAPI document names it `ErrorResponse` and every error answer of every route refers to it.
 */
export const ErrorResponse = z
  .object({
    statusCode: z.number().int().min(400).max(599).describe('The HTTP status, repeated'),
    error: z.string().describe('A stable code: VALIDATION_FAILED, NOT_FOUND, CONFLICT, PRECONDITION_FAILED, ...'),
    message: z.string().describe('What went wrong, for a person'),
    issues: z.array(FieldIssue).optional().describe('On VALIDATION_FAILED: each failing field (dotted path) and rule'),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Facts a client may act on, e.g. `sync_id` of the sync that holds the lock'),
    request_id: z
      .string()
      .optional()
      .describe('The correlation id of the request (also the `x-request-id` header): quote it to find the logs'),
  })
  .meta({
    example: {
      statusCode: 404,
      error: 'NOT_FOUND',
      message: 'database 665f1c2ab4d0c1e2f3a4b5c6 not found',
      request_id: '0f6f7d3e-5d0a-4a8e-9a7b-2f1c3d4e5f60',
    },
  });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export function errorResponse(statusCode: number, error: string, message: string, extra: Partial<ErrorResponse> = {}): ErrorResponse {
  return { statusCode, error, message, request_id: currentRequestContext()?.correlationId, ...extra };
}
