import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError, ErrorCode, HTTP_STATUS_BY_CODE } from '@ir/contracts';
import type { Response } from 'express';
import { errorResponse, type ErrorResponse } from './error-response';

const NAME_BY_STATUS: Record<number, string> = {
  404: ErrorCode.notFound,
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  429: ErrorCode.rateLimited,
};

const MESSAGE_BY_STATUS: Record<number, string> = {
  404: 'no such route: see /docs for the API',
  405: 'method not allowed on this route',
  413: 'request body too large',
  429: 'too many requests, try again later',
  503: 'service unavailable',
};

/**
 * The gateway's one translation of errors to HTTP: a service's `DomainError` by
 * its code, Nest's own HTTP errors by their status (with a message of ours), anything else a logged 500
 * that tells the caller nothing but the request id.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toResponse(exception);
    res.status(body.statusCode).json(body);
  }

  private toResponse(exception: unknown): ErrorResponse {
    if (exception instanceof DomainError) {
      const status = HTTP_STATUS_BY_CODE[exception.code];
      if (status >= 500) this.logger.warn(`${exception.code}: ${exception.message}`);
      return errorResponse(status, exception.code, exception.message, { issues: exception.issues, details: exception.details });
    }
    if (exception instanceof HttpException) {
      // Nest's and its modules' own errors (no route, throttling, ...): their status, in words of ours.
      const status = exception.getStatus();
      return errorResponse(status, NAME_BY_STATUS[status] ?? HttpStatus[status] ?? 'ERROR', MESSAGE_BY_STATUS[status] ?? 'request failed');
    }
    this.logger.error('unexpected error', exception instanceof Error ? exception.stack : String(exception));
    return errorResponse(500, ErrorCode.internal, 'internal error');
  }
}
