import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { BSON } from 'mongodb';
import { isTlsErrorCode } from '../driver-error-shape';
import { recognizeForeignProtocol, type ForeignProtocol } from './foreign-protocol';
import { checkAnnouncedLength, checkHeader, checkMessage, HEADER_BYTES, OP_MSG, readHeader } from './wire-format';

/** A hello answer is a few hundred bytes, a few KB for a large replica set; more is not a hello. */
export const PROBE_MAX_REPLY_BYTES = 256 * 1024;

/** The oldest wire version the installed driver speaks (mongodb 6.x: MongoDB 4.2). */
export const MIN_WIRE_VERSION = 8;

export type ProbeVerdict =
  | { readonly kind: 'mongodb'; readonly maxWireVersion: number }
  | { readonly kind: 'too_old'; readonly maxWireVersion: number }
  | { readonly kind: 'foreign'; readonly peer: ForeignProtocol }
  | { readonly kind: 'closed_silently' }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'tls_failed'; readonly code: string }
  | { readonly kind: 'timeout' };

/** An IP address the policy allowed, with TLS options when the target uses TLS; or a socket path. */
export type ProbeTarget =
  | { readonly address: string; readonly port: number; readonly tls?: ConnectionOptions }
  | { readonly socketPath: string; readonly tls?: undefined };

/**
 * Says hello to one address with the raw wire protocol and reads at most PROBE_MAX_REPLY_BYTES of
 * the answer, within `timeoutMs`, before the driver is ever given the target: a peer that is not
 * a MongoDB server is told apart here in bounded time and memory, whatever it sends.
 */
export function probeHello(target: ProbeTarget, timeoutMs: number): Promise<ProbeVerdict> {
  return new Promise<ProbeVerdict>((resolve) => {
    const requestId = Math.floor(Math.random() * 0x7fffffff);
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const socket = openSocket(target);
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);

    function finish(verdict: ProbeVerdict): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    }

    socket.once(target.tls ? 'secureConnect' : 'connect', () => socket.write(helloMessage(requestId)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const verdict = judge(Buffer.concat(chunks, Math.min(received, PROBE_MAX_REPLY_BYTES)), received);
      if (verdict) finish(verdict);
    });
    socket.once('end', () => finish(received === 0 ? { kind: 'closed_silently' } : foreign(Buffer.concat(chunks))));
    socket.once('close', () => finish(received === 0 ? { kind: 'closed_silently' } : foreign(Buffer.concat(chunks))));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      if (received > 0) finish(foreign(Buffer.concat(chunks)));
      else finish(target.tls && isTlsErrorCode(code) ? { kind: 'tls_failed', code } : { kind: 'refused', code });
    });
  });
}

/** A verdict once the bytes so far suffice, undefined while more are needed. */
function judge(bytes: Buffer, received: number): ProbeVerdict | undefined {
  if (bytes.length < 4) return undefined;
  const length = bytes.readInt32LE(0);
  if (checkAnnouncedLength(length, PROBE_MAX_REPLY_BYTES)) return foreign(bytes);
  if (bytes.length < HEADER_BYTES) return undefined;
  const header = readHeader(bytes);
  if (checkHeader(header, PROBE_MAX_REPLY_BYTES) || header.opCode !== OP_MSG) return foreign(bytes);
  if (received < length) return undefined;
  const message = bytes.subarray(0, length);
  if (checkMessage(message, PROBE_MAX_REPLY_BYTES)) return foreign(bytes);
  let reply: Record<string, unknown>;
  try {
    // The single section's document starts after the header, the flag bits and the section kind.
    reply = BSON.deserialize(message.subarray(HEADER_BYTES + 5), { promoteLongs: true, promoteValues: true });
  } catch {
    return foreign(bytes);
  }
  const wire = reply['maxWireVersion'];
  if (typeof wire !== 'number' || !('ok' in reply)) return { kind: 'foreign', peer: 'unknown' };
  return wire < MIN_WIRE_VERSION ? { kind: 'too_old', maxWireVersion: wire } : { kind: 'mongodb', maxWireVersion: wire };
}

function foreign(bytes: Uint8Array): ProbeVerdict {
  return { kind: 'foreign', peer: recognizeForeignProtocol(bytes) };
}

function openSocket(target: ProbeTarget): Socket {
  if ('socketPath' in target) return netConnect({ path: target.socketPath });
  if (target.tls) return tlsConnect({ ...target.tls, host: target.address, port: target.port });
  return netConnect({ host: target.address, port: target.port });
}

/** OP_MSG `{hello: 1, $db: 'admin'}`: answered by every MongoDB since 3.6 and by MongoDB-wire servers. */
function helloMessage(requestId: number): Buffer {
  const body = BSON.serialize({ hello: 1, $db: 'admin' });
  const message = Buffer.alloc(HEADER_BYTES + 4 + 1 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(0, 8);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(0, 16);
  message.writeUInt8(0, 20);
  Buffer.from(body).copy(message, 21);
  return message;
}
