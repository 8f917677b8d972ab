import { gunzipSync } from 'node:zlib';
import { decodeJson, encodeReply, GZIP_ABOVE_CHARS, JsonAnswer, replyDataJson } from './codec';

/** What a caller through BusClient says. */
const GZIP = { acceptsGzip: true };

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe('encodeReply / replyDataJson', () => {
  it.each([
    ['a document', { collections: [{ name: 'orders', note: 'a } and a " inside' }], total: 2 }],
    ['an array', [1, 'two', { three: 3 }]],
    ['a string', 'done'],
    ['null', null],
  ])('finds the data of an answer (%s) without parsing the reply, as JSON of the data', (_label, data) => {
    const reply = encodeReply({ ok: true, data }, GZIP);
    expect(reply.gzip).toBe(false);
    expect(decodeJson(reply.data)).toEqual({ ok: true, data });
    expect(JSON.parse(text(replyDataJson(reply.data))!)).toEqual(data);
  });

  it('finds it in a reply written by JSON.stringify as well (what a stand-in service writes)', () => {
    const reply = new TextEncoder().encode(JSON.stringify({ ok: true, data: { a: 1 } }));
    expect(text(replyDataJson(reply))).toBe('{"a":1}');
  });

  it('sends an answer that its handler serialized as it is', () => {
    const reply = encodeReply({ ok: true, data: new JsonAnswer<{ b: number[] }>('{"b":[1,2]}') }, GZIP);
    expect(text(reply.data)).toBe('{"ok":true,"data":{"b":[1,2]}}');
    expect(text(replyDataJson(reply.data))).toBe('{"b":[1,2]}');
  });

  it('gzips the data of an answer larger than 64 KiB, serialized here or by its handler, and nothing smaller', () => {
    const data = { rows: Array.from({ length: 5_000 }, (_, i) => ({ i, name: `row ${i}` })) };
    expect(JSON.stringify(data).length).toBeGreaterThan(GZIP_ABOVE_CHARS);
    for (const answer of [data, new JsonAnswer<typeof data>(JSON.stringify(data))]) {
      const reply = encodeReply({ ok: true, data: answer }, GZIP);
      expect(reply.gzip).toBe(true);
      expect(reply.data.length).toBeLessThan(JSON.stringify(data).length / 5);
      expect(JSON.parse(gunzipSync(reply.data).toString('utf8'))).toEqual(data);
    }
    const justBelow = 'x'.repeat(GZIP_ABOVE_CHARS - 2);
    expect(encodeReply({ ok: true, data: justBelow }, GZIP).gzip).toBe(false);
    expect(encodeReply({ ok: false, error: { code: 'CONFLICT', message: 'x'.repeat(GZIP_ABOVE_CHARS * 2) } }, GZIP).gzip).toBe(false);
  });

  it('never gzips for a caller that did not say it accepts gzip (nats req, an older client)', () => {
    const data = 'x'.repeat(GZIP_ABOVE_CHARS * 2);
    const reply = encodeReply({ ok: true, data }, { acceptsGzip: false });
    expect(reply.gzip).toBe(false);
    expect(decodeJson(reply.data)).toEqual({ ok: true, data });
  });

  it('leaves errors, answers without data and other bytes to the parser', () => {
    expect(replyDataJson(encodeReply({ ok: false, error: { code: 'NOT_FOUND', message: 'no such sync' } }, GZIP).data)).toBeUndefined();
    expect(replyDataJson(encodeReply({ ok: true, data: undefined }, GZIP).data)).toBeUndefined();
    expect(replyDataJson(new TextEncoder().encode('{ "ok": true, "data": 1 }'))).toBeUndefined();
    expect(replyDataJson(new Uint8Array())).toBeUndefined();
  });
});
