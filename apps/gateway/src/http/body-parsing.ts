import { ErrorCode } from '@ir/contracts';
import { Logger } from '@nestjs/common';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { errorResponse, type ErrorResponse } from './error-response';
import { correlationIdOf } from './request-context.middleware';

/**
 * JSON bodies up to `limit` bytes; anything larger is refused before it is read in full. A body sent
 * with `Content-Encoding` (gzip, deflate, br) is decoded as it is read, and the limit applies to the
 * decoded bytes, so a small compressed body cannot expand past it.
 */
export function jsonBody(limit: number): RequestHandler {
  return express.json({ limit, strict: true });
}

/** YAML bodies (manifests) as text, under the same limit; the endpoint parses them. */
export function yamlBody(limit: number): RequestHandler {
  return express.text({ limit, type: ['application/yaml', 'application/x-yaml', 'text/yaml'] });
}

/**
 * A body that no parser above took (its Content-Type is neither JSON nor YAML) would otherwise reach
 * the routes as an empty body and be judged as one: refused here, 415, before anything reads it.
 */
export const unreadBodies: RequestHandler = (req, res, next) => {
  const sent = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  // A parser that took the body read it to its end; one that no parser took is still unread.
  if (!sent || req.readableEnded) {
    next();
    return;
  }
  const body = errorResponse(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'request body must be JSON (Content-Type: application/json), or YAML (application/yaml) for a manifest',
  );
  res.status(415).json({ ...body, request_id: correlationIdOf(res) });
};

/** What body-parser attaches to the errors it passes on: `type` for its own, `status` for all. */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

const logger = new Logger('Errors');

/**
 * Body-parser errors happen before Nest's routing, so Nest's filters never see them: this handler
 * answers every one of them in the same shape as every other error, with the request id, and never
 * with the parser's or the decompressor's own words.
 */
export const bodyParsingErrors: ErrorRequestHandler = (error: BodyParserError, _req, res, _next) => {
  const body = answerFor(error);
  res.status(body.statusCode).json({ ...body, request_id: correlationIdOf(res) });
};

function answerFor(error: BodyParserError): ErrorResponse {
  switch (error.type) {
    case 'entity.too.large':
      return errorResponse(413, 'PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${error.limit} bytes`);
    case 'entity.parse.failed':
      return invalidBody('request body is not valid JSON', 'json', 'not valid JSON');
    case 'encoding.unsupported':
      return errorResponse(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'request body encoding is not supported: send it plain, or as gzip, deflate or br',
      );
    case 'charset.unsupported':
      return errorResponse(415, 'UNSUPPORTED_MEDIA_TYPE', 'request body charset is not supported: send UTF-8');
    case 'request.size.invalid':
      return invalidBody('request body does not have the length its Content-Length announced', 'content_length', 'length mismatch');
    case 'request.aborted':
      return invalidBody('request body ended before it was complete', 'incomplete', 'incomplete');
  }
  // The one 4xx body-parser passes on without a type of its own: the decompressor's error on a
  // corrupt or truncated gzip, deflate or br body (body-parser sets its status to 400).
  if (error.status !== undefined && error.status >= 400 && error.status < 500) {
    return invalidBody(
      'request body could not be decoded: it is not valid for its Content-Encoding',
      'content_encoding',
      'corrupt or truncated for its Content-Encoding',
    );
  }
  logger.error('unexpected error reading a request body', error instanceof Error ? error.stack : String(error));
  return errorResponse(500, ErrorCode.internal, 'internal error');
}

function invalidBody(message: string, rule: string, issue: string): ErrorResponse {
  return errorResponse(400, ErrorCode.validation, message, { issues: [{ field: '(body)', rule, message: issue }] });
}
