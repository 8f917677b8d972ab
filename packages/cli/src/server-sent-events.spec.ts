import { serverSentEvents } from './server-sent-events';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function all(body: AsyncIterable<Uint8Array>) {
  const events = [];
  for await (const event of serverSentEvents(body)) events.push(event);
  return events;
}

describe('server-sent events', () => {
  it('reads events split anywhere across chunks, skipping keep-alive comments', async () => {
    const stream =
      'event: status\ndata: {"progress":0}\n\n: keep-alive\n\nevent: progress\ndata: {"progress":50}\n\nevent: completed\ndata: {"progress":100}\n\n';
    const split = [stream.slice(0, 7), stream.slice(7, 40), stream.slice(40, 41), stream.slice(41)];
    expect(await all(chunks(...split))).toEqual([
      { event: 'status', data: '{"progress":0}' },
      { event: 'progress', data: '{"progress":50}' },
      { event: 'completed', data: '{"progress":100}' },
    ]);
  });

  it('takes CRLF line ends, joins data lines, and names an unnamed event "message"', async () => {
    expect(await all(chunks('data: a\r\ndata: b\r\n\r\n'))).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('drops an event the stream ended in the middle of', async () => {
    expect(await all(chunks('event: status\ndata: {}'))).toEqual([]);
  });
});
