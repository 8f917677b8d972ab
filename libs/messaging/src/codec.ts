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

const OK_PREFIX = encoder.encode('{"ok":true,"data":');
const CLOSING_BRACE = '}'.charCodeAt(0);

/** A reply as the server writes it: an answer's data always at the same place, so that `replyDataJson` can find it. */
export function encodeReply(reply: ReplyEnvelope): Uint8Array {
  const data = reply.ok ? (JSON.stringify(reply.data) as string | undefined) : undefined;
  if (data === undefined) return encodeJson(reply);
  return encoder.encode(`{"ok":true,"data":${data}}`);
}

/**
 * The data of a successful reply as JSON bytes, found without parsing the reply, for a caller that
 * only passes it on (the gateway's largest answers); undefined for any other reply, which the
 * caller then parses.
 */
export function replyDataJson(data: Uint8Array): Uint8Array | undefined {
  if (data.length <= OK_PREFIX.length || data[data.length - 1] !== CLOSING_BRACE) return undefined;
  for (let i = 0; i < OK_PREFIX.length; i += 1) if (data[i] !== OK_PREFIX[i]) return undefined;
  return data.subarray(OK_PREFIX.length, data.length - 1);
}
