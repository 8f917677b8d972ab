import { currentRequestContext } from '@ir/platform';
import type { FieldIssue } from '@ir/contracts';

/** The body of every error answer: a status, a stable code, a message, the failing fields, the request id. */
export interface ErrorResponse {
  statusCode: number;
  error: string;
  message: string;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
  request_id?: string;
}

export function errorResponse(statusCode: number, error: string, message: string, extra: Partial<ErrorResponse> = {}): ErrorResponse {
  return { statusCode, error, message, request_id: currentRequestContext()?.correlationId, ...extra };
}
