import { StreamableFile } from '@nestjs/common';
import type { AnswerBytes } from '@ir/messaging';
import type { Request, Response } from 'express';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/**
 * An answer that is already JSON (`BusClient.requestJson`), sent as it is: a Buffer returned from a
 * handler would otherwise be serialized by Nest as `{ type: 'Buffer', data: [...] }`. An answer that
 * came gzipped over the bus goes out gzipped to a client that accepts it, and unzipped (off the
 * event loop: it may be megabytes) to any other.
 */
export async function jsonBytes(answer: AnswerBytes, request: Request, response: Response): Promise<StreamableFile> {
  response.vary('Accept-Encoding');
  let body = answer.bytes;
  if (answer.gzip && acceptsGzip(request)) response.setHeader('Content-Encoding', 'gzip');
  else if (answer.gzip) body = await gunzipAsync(body);
  return new StreamableFile(body, { type: 'application/json; charset=utf-8', length: body.length });
}

/** Only when asked for: a client that sends no Accept-Encoding (curl without --compressed) gets plain JSON. */
function acceptsGzip(request: Request): boolean {
  return request.headers['accept-encoding'] !== undefined && request.acceptsEncodings('gzip') === 'gzip';
}
