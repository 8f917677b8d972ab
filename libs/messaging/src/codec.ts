import { ErrorBody } from '@ir/contracts';
import { z } from 'zod';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson(data: Uint8Array): unknown {
  return data.length === 0 ? undefined : JSON.parse(decoder.decode(data));
}

/** Every reply is one of these: the answer, or the error the handler chose to report. */
export const ReplyEnvelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorBody }),
]);
export type ReplyEnvelope = z.infer<typeof ReplyEnvelope>;
