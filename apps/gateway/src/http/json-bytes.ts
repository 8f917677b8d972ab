import { StreamableFile } from '@nestjs/common';

/**
 * An answer that is already JSON (`BusClient.requestJson`), sent as it is: a Buffer returned from a
 * handler would otherwise be serialized by Nest as `{ type: 'Buffer', data: [...] }`.
 */
export function jsonBytes(json: Buffer): StreamableFile {
  return new StreamableFile(json, { type: 'application/json; charset=utf-8', length: json.length });
}
