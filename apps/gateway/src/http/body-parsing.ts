import { ErrorCode } from '@ir/contracts';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { errorResponse } from './error-response';
import { correlationIdOf } from './request-context.middleware';

/** JSON bodies up to `limit` bytes; anything larger is refused before it is read in full. */
export function jsonBody(limit: number): RequestHandler {
  return express.json({ limit, strict: true });
}

/** YAML bodies (manifests) as text, under the same limit; the endpoint parses them. */
export function yamlBody(limit: number): RequestHandler {
  return express.text({ limit, type: ['application/yaml', 'application/x-yaml', 'text/yaml'] });
}

/**
 * Body-parser errors happen before Nest's routing, so Nest's filters never see
 * them: this handler answers 413 / 400 in the same shape as every other error.
 */
export const bodyParsingErrors: ErrorRequestHandler = (error: { type?: string; limit?: number }, _req, res, next) => {
  const request_id = correlationIdOf(res);
  if (error.type === 'entity.too.large') {
    res.status(413).json(errorResponse(413, 'PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${error.limit} bytes`, { request_id }));
  } else if (error.type === 'entity.parse.failed') {
    res.status(400).json(
      errorResponse(400, ErrorCode.validation, 'request body is not valid JSON', {
        request_id,
        issues: [{ field: '(body)', rule: 'json', message: 'not valid JSON' }],
      }),
    );
  } else if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    res.status(415).json(errorResponse(415, 'UNSUPPORTED_MEDIA_TYPE', 'request body encoding is not supported', { request_id }));
  } else {
    next(error);
  }
};
