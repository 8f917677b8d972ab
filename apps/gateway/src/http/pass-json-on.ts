import { StreamableFile } from '@nestjs/common';
import type { RpcContract, RpcRequest } from '@ir/contracts';
import type { BusClient, RequestOptions } from '@ir/messaging';
import type { Request, Response } from 'express';

/**
 * The answer of `contract` passed on as the service wrote it (`BusClient.requestJson`): a large
 * answer travels gzipped on the bus and to a client that accepts gzip, and plain, end to end, to a
 * client that does not (so the gateway neither unzips nor zips).
 */
export async function passJsonOn<C extends RpcContract>(
  bus: BusClient,
  contract: C,
  payload: RpcRequest<C>,
  http: { req: Request; res: Response },
  opts: RequestOptions = {},
): Promise<StreamableFile> {
  const answer = await bus.requestJson(contract, payload, { ...opts, gzip: acceptsGzip(http.req) });
  http.res.vary('Accept-Encoding');
  if (answer.gzip) http.res.setHeader('Content-Encoding', 'gzip');
  // A Buffer returned from a handler would be serialized by Nest as `{ type: 'Buffer', data: [...] }`.
  return new StreamableFile(answer.bytes, { type: 'application/json; charset=utf-8', length: answer.bytes.length });
}

/** Only when asked for: a client that sends no Accept-Encoding (curl without --compressed) gets plain JSON. */
function acceptsGzip(request: Request): boolean {
  return request.headers['accept-encoding'] !== undefined && request.acceptsEncodings('gzip') === 'gzip';
}
