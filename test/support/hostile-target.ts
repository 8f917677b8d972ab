// Small servers on loopback that are not MongoDB, or that pretend to be and then misbehave: what a
// registered target could become. One server changes its behaviour on demand, so a database can be
// registered while it relays to the real test server and turn hostile afterwards.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { BSON } from 'mongodb';

export type HostileMode =
  /** Relays to the real test server: a healthy target. */
  | 'relay'
  /** Greets first, as MySQL and MariaDB do: read as an OP_REPLY, its counts fill the driver's heap. */
  | 'mariadb'
  | 'http'
  /** A TLS alert, as a TLS-only server sends to a plaintext client. */
  | 'tls_alert'
  | 'redis'
  /** The start of an OP_MSG, then the connection closes. */
  | 'truncated_op_msg'
  /** A header announcing a 2 GB message, then zeros for as long as the peer reads. */
  | 'huge_header'
  /** Answers hellos as MongoDB does, then any other command with an OP_REPLY counting 2^31-1 documents. */
  | 'hello_then_reply_bomb'
  /** Answers hellos, then any other command with 16 MiB of OP_MSG sections whose documents declare size 0. */
  | 'hello_then_zero_section'
  /** Accepts and never answers. */
  | 'silent';

export const HOSTILE_MODES: readonly Exclude<HostileMode, 'relay'>[] = [
  'mariadb',
  'http',
  'tls_alert',
  'redis',
  'truncated_op_msg',
  'huge_header',
  'hello_then_reply_bomb',
  'hello_then_zero_section',
  'silent',
];

export interface HostileTarget {
  readonly port: number;
  /** mongodb://127.0.0.1:<port>/, with directConnection so the driver never looks for other members. */
  readonly uri: string;
  /** Changes what new connections get; open connections are cut, so clients must reconnect. */
  setMode(mode: HostileMode): void;
  close(): Promise<void>;
}

// A MariaDB 10.11 greeting as the server sends it, captured once.
const MARIADB_GREETING = Buffer.from(
  '640000000a352e352e352d31302e31312e31392d4d6172696144422d302b64656231327531000f0000003f697739557d383f00fef72d0200ff81150000000000001d000000713f263f482e4b6f6c53385e006d7973716c5f6e61746976655f70617373776f726400',
  'hex',
);
const HTTP_RESPONSE = Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\nconnection: close\r\n\r\nBad Request');
const TLS_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]);
const REDIS_ERROR = Buffer.from('-ERR Protocol error: invalid multibulk length\r\n');
const OP_QUERY = 2004;
const OP_MSG = 2013;
const OP_REPLY = 1;

/** Starts one server on a free loopback port. `relayTo` is where `relay` mode sends bytes. */
export async function startHostileTarget(mode: HostileMode, relayTo?: { host: string; port: number }): Promise<HostileTarget> {
  let current = mode;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    behave(socket, current, relayTo, sockets);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    setMode(next) {
      current = next;
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function behave(socket: Socket, mode: HostileMode, relayTo: { host: string; port: number } | undefined, sockets: Set<Socket>): void {
  switch (mode) {
    case 'relay': {
      if (!relayTo) throw new Error('relay mode needs relayTo');
      const upstream = connect(relayTo.port, relayTo.host);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      return;
    }
    case 'mariadb':
      socket.write(MARIADB_GREETING);
      return;
    case 'http':
      socket.once('data', () => socket.end(HTTP_RESPONSE));
      return;
    case 'tls_alert':
      socket.once('data', () => socket.end(TLS_ALERT));
      return;
    case 'redis':
      socket.once('data', () => socket.write(REDIS_ERROR));
      return;
    case 'truncated_op_msg':
      socket.once('data', () => socket.end(header(1_000, 1, 0, OP_MSG).subarray(0, 12)));
      return;
    case 'huge_header':
      socket.once('data', () => floodAfter(socket, header(0x7ffffff0, 1, 0, OP_MSG)));
      return;
    case 'hello_then_reply_bomb':
    case 'hello_then_zero_section':
      answerHellosThen(socket, mode);
      return;
    case 'silent':
      return;
  }
}

/** Writes the header, then zeros while the peer keeps reading. */
function floodAfter(socket: Socket, first: Buffer): void {
  const zeros = Buffer.alloc(64 * 1024);
  const pump = (): void => {
    while (!socket.destroyed && socket.write(zeros));
  };
  socket.write(first);
  socket.on('drain', pump);
  pump();
}

/** Reads whole messages; hellos get a proper answer, anything else the mode's malformed reply. */
function answerHellosThen(socket: Socket, mode: 'hello_then_reply_bomb' | 'hello_then_zero_section'): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
      const message = buffered.subarray(0, buffered.readInt32LE(0));
      buffered = buffered.subarray(message.length);
      const requestId = message.readInt32LE(4);
      const opCode = message.readInt32LE(12);
      const command = commandOf(message, opCode);
      if (command && ('hello' in command || 'isMaster' in command || 'ismaster' in command)) {
        socket.write(opCode === OP_QUERY ? opReply(requestId, [helloReply()]) : opMsg(requestId, helloReply()));
      } else if (mode === 'hello_then_reply_bomb') {
        const body = Buffer.alloc(20);
        body.writeInt32LE(0x7fffffff, 16);
        socket.write(Buffer.concat([header(16 + body.length, 99, requestId, OP_REPLY), body]));
      } else {
        // Flag bits, then 16 MiB of zeros: sections of kind 0 declaring documents of size 0. The
        // driver's parser advances one byte per section, keeping each: millions of objects.
        const body = Buffer.alloc(16 * 1024 * 1024);
        socket.write(Buffer.concat([header(16 + body.length, 99, requestId, OP_MSG), body]));
      }
    }
  });
}

function commandOf(message: Buffer, opCode: number): Record<string, unknown> | undefined {
  try {
    if (opCode === OP_MSG) return BSON.deserialize(message.subarray(21));
    if (opCode === OP_QUERY) {
      const nameEnd = message.indexOf(0, 20);
      return BSON.deserialize(message.subarray(nameEnd + 1 + 8));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function helloReply(): Record<string, unknown> {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: 1,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(responseTo: number, doc: Record<string, unknown>): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  return Buffer.concat([header(16 + 5 + body.length, 7, responseTo, OP_MSG), Buffer.from([0, 0, 0, 0, 0]), body]);
}

function opReply(responseTo: number, docs: Record<string, unknown>[]): Buffer {
  const bodies = docs.map((d) => Buffer.from(BSON.serialize(d)));
  const preamble = Buffer.alloc(20);
  preamble.writeInt32LE(docs.length, 16);
  const length = 16 + 20 + bodies.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([header(length, 7, responseTo, OP_REPLY), preamble, ...bodies]);
}
