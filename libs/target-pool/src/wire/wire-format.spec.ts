import { BSON } from 'mongodb';
import { recognizeForeignProtocol } from './foreign-protocol';
import { FrameTracker } from './frame-tracker';
import { checkHeader, checkMessage, MAX_REPLY_BYTES, OP_COMPRESSED, OP_MSG, OP_REPLY } from './wire-format';

function header(length: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(1, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(doc: Record<string, unknown>, flags = 0, trailer = Buffer.alloc(0)): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  const preamble = Buffer.alloc(5);
  preamble.writeUInt32LE(flags, 0);
  return Buffer.concat([header(16 + 5 + body.length + trailer.length, OP_MSG), preamble, body, trailer]);
}

function opReply(docs: Record<string, unknown>[], count = docs.length): Buffer {
  const bodies = docs.map((d) => Buffer.from(BSON.serialize(d)));
  const preamble = Buffer.alloc(20);
  preamble.writeInt32LE(count, 16);
  const length = 36 + bodies.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([header(length, OP_REPLY), preamble, ...bodies]);
}

describe('checkMessage: what a server may answer', () => {
  it('accepts an OP_MSG with one document, with or without a checksum', () => {
    expect(checkMessage(opMsg({ ok: 1 }))).toBeUndefined();
    expect(checkMessage(opMsg({ ok: 1 }, 1, Buffer.alloc(4)))).toBeUndefined();
    expect(checkMessage(opMsg({ ok: 1 }, 1 << 16))).toBeUndefined(); // exhaustAllowed: an optional bit
  });

  it('accepts an OP_REPLY whose documents fill it exactly', () => {
    expect(checkMessage(opReply([{ ismaster: true, ok: 1 }]))).toBeUndefined();
    expect(checkMessage(opReply([]))).toBeUndefined();
    expect(checkMessage(opReply([{ a: 1 }, { b: 2 }]))).toBeUndefined();
  });

  it.each([
    ['an OP_REPLY counting 2^31-1 documents in none (the MariaDB greeting case)', opReply([], 0x7fffffff), 'malformed_documents'],
    ['an OP_REPLY counting fewer documents than it holds', opReply([{ a: 1 }, { b: 2 }], 1), 'malformed_documents'],
    ['an OP_REPLY counting more documents than it holds', opReply([{ a: 1 }], 2), 'malformed_documents'],
    ['an OP_REPLY with a negative count', opReply([], -1), 'malformed_documents'],
    ['an OP_MSG with unknown required flag bits', opMsg({ ok: 1 }, 1 << 5), 'unknown_flag_bits'],
    ['an OP_MSG with bytes after its document', opMsg({ ok: 1 }, 0, Buffer.from([1, 2, 3])), 'malformed_sections'],
  ])('refuses %s', (_label, message, violation) => {
    expect(checkMessage(message)).toBe(violation);
  });

  it('refuses an OP_MSG of sections declaring zero-sized documents (the driver would keep one per byte)', () => {
    const zeros = Buffer.alloc(1024);
    expect(checkMessage(Buffer.concat([header(16 + zeros.length, OP_MSG), zeros]))).toBe('malformed_sections');
  });

  it('refuses a document whose declared size runs past the message, or that lacks its final zero', () => {
    const message = opMsg({ ok: 1 });
    message.writeInt32LE(1_000, 21);
    expect(checkMessage(message)).toBe('malformed_sections');
    const unterminated = opMsg({ ok: 1 });
    unterminated[unterminated.length - 1] = 7;
    expect(checkMessage(unterminated)).toBe('malformed_sections');
  });

  it('refuses a kind-1 section (servers never send one in a reply)', () => {
    const message = opMsg({ ok: 1 });
    message[20] = 1;
    expect(checkMessage(message)).toBe('malformed_sections');
  });

  it('refuses a message whose header length is not its length', () => {
    const message = opMsg({ ok: 1 });
    expect(checkMessage(message.subarray(0, message.length - 1))).toBe('message_size_out_of_range');
  });

  it('never throws on arbitrary bytes (seeded random messages and truncations)', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const base = opMsg({ listIndexes: 'c', cursor: { firstBatch: [{ v: 2, key: { a: 1 }, name: 'a_1' }] }, ok: 1 });
    for (let i = 0; i < 5_000; i += 1) {
      const message = Buffer.from(base);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips -= 1)
        message[Math.floor(random() * message.length)] = Math.floor(random() * 256);
      const cut = random() < 0.2 ? message.subarray(0, Math.floor(random() * message.length)) : message;
      expect(() => checkMessage(cut)).not.toThrow();
    }
  });
});

describe('checkHeader', () => {
  it.each([
    ['a length below a header', header(12, OP_MSG), 'message_size_out_of_range'],
    ['a 2 GB message', header(0x7ffffff0, OP_MSG), 'message_size_out_of_range'],
    ['a length past the largest reply', header(MAX_REPLY_BYTES + 1, OP_MSG), 'message_size_out_of_range'],
    ['an OP_MSG too short for a document', header(20, OP_MSG), 'message_size_out_of_range'],
    ['OP_COMPRESSED, never negotiated', header(100, OP_COMPRESSED), 'compression_not_negotiated'],
    ['OP_QUERY (a request, not a reply)', header(100, 2004), 'unknown_op_code'],
  ])('refuses %s', (_label, bytes, violation) => {
    expect(checkHeader({ length: bytes.readInt32LE(0), requestId: 1, responseTo: 0, opCode: bytes.readInt32LE(12) })).toBe(violation);
  });
});

describe('FrameTracker: headers checked as the bytes arrive', () => {
  it('follows valid messages across any chunking, one byte at a time included', () => {
    const stream = Buffer.concat([opMsg({ ok: 1 }), opReply([{ a: 1 }]), opMsg({ big: 'x'.repeat(10_000) })]);
    for (const size of [1, 3, 16, 17, 100, stream.length]) {
      const tracker = new FrameTracker();
      for (let offset = 0; offset < stream.length; offset += size) {
        expect(tracker.accept(stream.subarray(offset, offset + size))).toBeUndefined();
      }
      expect(tracker.beforeFirstMessage).toBe(false);
    }
  });

  it('refuses a 2 GB announcement on its first four bytes, before the rest of the header', () => {
    const tracker = new FrameTracker();
    expect(tracker.accept(header(0x7ffffff0, OP_MSG).subarray(0, 4))).toBe('message_size_out_of_range');
  });

  it('refuses a bad second header after a good first message', () => {
    const tracker = new FrameTracker();
    expect(tracker.accept(opMsg({ ok: 1 }))).toBeUndefined();
    expect(tracker.accept(header(100, OP_COMPRESSED))).toBe('compression_not_negotiated');
  });

  it('keeps what the peer opened with, to tell what it is', () => {
    const tracker = new FrameTracker();
    expect(tracker.accept(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toBe('message_size_out_of_range');
    expect(recognizeForeignProtocol(tracker.openingBytesSeen)).toBe('http');
  });
});

describe('recognizeForeignProtocol', () => {
  it.each([
    [Buffer.from('HTTP/1.1 200 OK\r\n'), 'http'],
    [Buffer.from('640000000a352e352e352d31302e31312e31392d4d617269614442', 'hex'), 'mysql'],
    [Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]), 'tls'],
    [Buffer.from('-ERR unknown command\r\n'), 'redis'],
    [Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'), 'ssh'],
    [Buffer.from('INFO {"server_id":"x"}\r\n'), 'nats'],
    [Buffer.from('AMQP\x00\x00\x09\x01'), 'amqp'],
    [Buffer.from([0x45, 0x00, 0x00, 0x00, 0x58, 0x53]), 'postgresql'],
    [Buffer.from([1, 2, 3, 4, 5, 6]), 'unknown'],
    [Buffer.alloc(0), 'unknown'],
  ])('%#: %s', (bytes, protocol) => {
    expect(recognizeForeignProtocol(bytes)).toBe(protocol);
  });
});
