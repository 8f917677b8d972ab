// What a MongoDB server may send back to a client, byte by byte. The driver trusts every length and
// count it reads (mongodb 6.20 and 7.9 alike): an OP_REPLY's `numberReturned` drives a loop that never
// advances over a zero-sized document, an OP_MSG section of size 0 advances one byte per iteration,
// and a header may announce a 2 GB message that the driver then buffers. A MariaDB greeting read as a
// MongoDB reply is an OP_REPLY with a count of about 10^9: the heap fills in seconds. These checks run
// on every reply before the driver parses it (see driver-guard.ts) and in the pre-flight handshake.
// Reference: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/

export const HEADER_BYTES = 16;
export const OP_REPLY = 1;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

/**
 * The largest reply a server sends: one BSON document of at most BSONObjMaxInternalSize (16 MiB +
 * 16 KiB, the user limit plus room for the reply's own fields) in an OP_MSG. A header announcing more
 * is not a MongoDB reply, whatever it is.
 */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024 + 16 * 1024 + HEADER_BYTES + 4 + 1 + 4;

const MIN_DOCUMENT_BYTES = 5;
const OP_MSG_MIN_BYTES = HEADER_BYTES + 4 + 1 + MIN_DOCUMENT_BYTES;
const OP_REPLY_PREAMBLE_BYTES = 20;

// OP_MSG flag bits: bits 0-15 are "required" (a parser must refuse unknown ones), 16-31 optional.
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
const KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;
const REQUIRED_FLAGS_MASK = 0xffff;

/** Why some bytes are not a MongoDB reply. */
export type WireViolation =
  | 'message_size_out_of_range'
  | 'unknown_op_code'
  | 'compression_not_negotiated'
  | 'unknown_flag_bits'
  | 'malformed_sections'
  | 'malformed_documents';

export interface ReplyHeader {
  readonly length: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

export function readHeader(bytes: Uint8Array): ReplyHeader {
  const view = dataView(bytes);
  return {
    length: view.getInt32(0, true),
    requestId: view.getInt32(4, true),
    responseTo: view.getInt32(8, true),
    opCode: view.getInt32(12, true),
  };
}

/** The announced length alone (the first four bytes), checked before a byte more is buffered. */
export function checkAnnouncedLength(length: number, maxBytes: number = MAX_REPLY_BYTES): WireViolation | undefined {
  return length < HEADER_BYTES || length > maxBytes ? 'message_size_out_of_range' : undefined;
}

/**
 * A whole header: its length within bounds for its op code, and an op code a server answers with.
 * OP_COMPRESSED is refused: target clients never offer a compressor, and the driver would inflate
 * whatever it is sent with no limit on the output.
 */
export function checkHeader(header: ReplyHeader, maxBytes: number = MAX_REPLY_BYTES): WireViolation | undefined {
  const sized = checkAnnouncedLength(header.length, maxBytes);
  if (sized) return sized;
  switch (header.opCode) {
    case OP_MSG:
      return header.length < OP_MSG_MIN_BYTES ? 'message_size_out_of_range' : undefined;
    case OP_REPLY:
      return header.length < HEADER_BYTES + OP_REPLY_PREAMBLE_BYTES ? 'message_size_out_of_range' : undefined;
    case OP_COMPRESSED:
      return 'compression_not_negotiated';
    default:
      return 'unknown_op_code';
  }
}

/** A complete message (header included): its body is laid out exactly as its header and counts say. */
export function checkMessage(message: Uint8Array, maxBytes: number = MAX_REPLY_BYTES): WireViolation | undefined {
  if (message.length < HEADER_BYTES) return 'message_size_out_of_range';
  const header = readHeader(message);
  if (header.length !== message.length) return 'message_size_out_of_range';
  const violation = checkHeader(header, maxBytes);
  if (violation) return violation;
  const body = message.subarray(HEADER_BYTES);
  return header.opCode === OP_MSG ? checkOpMsgBody(body) : checkOpReplyBody(body);
}

/**
 * OP_MSG: flag bits, then exactly one kind-0 section (one document) and nothing else but an optional
 * CRC-32C. Servers never send kind-1 sections in replies, and the driver refuses them anyway.
 */
export function checkOpMsgBody(body: Uint8Array): WireViolation | undefined {
  const view = dataView(body);
  const flags = view.getUint32(0, true);
  if ((flags & REQUIRED_FLAGS_MASK & ~KNOWN_REQUIRED_FLAGS) !== 0) return 'unknown_flag_bits';
  const end = body.length - ((flags & CHECKSUM_PRESENT) !== 0 ? 4 : 0);
  if (end < 4 + 1 + MIN_DOCUMENT_BYTES || body[4] !== 0) return 'malformed_sections';
  const documentEnd = checkDocumentAt(body, 5, end);
  return documentEnd === end ? undefined : 'malformed_sections';
}

/** OP_REPLY: the preamble, then exactly `numberReturned` documents filling the body. */
export function checkOpReplyBody(body: Uint8Array): WireViolation | undefined {
  if (body.length < OP_REPLY_PREAMBLE_BYTES) return 'malformed_documents';
  const count = dataView(body).getInt32(16, true);
  if (count < 0 || count > (body.length - OP_REPLY_PREAMBLE_BYTES) / MIN_DOCUMENT_BYTES) return 'malformed_documents';
  let offset = OP_REPLY_PREAMBLE_BYTES;
  for (let i = 0; i < count; i += 1) {
    const next = checkDocumentAt(body, offset, body.length);
    if (next === undefined) return 'malformed_documents';
    offset = next;
  }
  return offset === body.length ? undefined : 'malformed_documents';
}

/**
 * Where the BSON document starting at `offset` ends, if its declared size fits before `end` and it
 * ends with the terminating zero; its contents are left to the BSON parser, which checks them.
 */
function checkDocumentAt(bytes: Uint8Array, offset: number, end: number): number | undefined {
  if (offset + 4 > end) return undefined;
  const size = dataView(bytes).getInt32(offset, true);
  if (size < MIN_DOCUMENT_BYTES || offset + size > end || bytes[offset + size - 1] !== 0) return undefined;
  return offset + size;
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
