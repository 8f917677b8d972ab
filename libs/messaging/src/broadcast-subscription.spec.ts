// The broadcast subscription against a real, private nats-server.
import { defineEvent } from '@ir/contracts';
import type { ConsumerMessages } from '@nats-io/jetstream';
import { z } from 'zod';
import { BroadcastSubscription } from './broadcast-subscription';
import { BusClient } from './bus-client';
import type { NatsBus } from './nats-bus';
import { ensureStream } from './provisioning';
import { connectBus, RecordingLogger, sleep, startPrivateNats, testStream, waitFor, type PrivateNats } from './testing/bus-harness';

jest.setTimeout(30_000);

const Fact = z.object({ n: z.number().int() });
let serial = 0;

describe('BroadcastSubscription', () => {
  let nats: PrivateNats;
  let bus: NatsBus;
  let publisher: BusClient;
  const subscriptions: BroadcastSubscription<ReturnType<typeof fixture>['event']>[] = [];

  function fixture() {
    const id = `b${++serial}`;
    const stream = testStream(`BROADCAST_${id.toUpperCase()}`, `test.evt.${id}`);
    return { stream, event: defineEvent(`test.evt.${id}.happened`, stream.name, Fact), other: `test.evt.${id}.other` };
  }
  const publishAll = async (event: ReturnType<typeof fixture>['event'], from: number, count: number) => {
    for (let n = from; n < from + count; n++) await publisher.publish(event, { n }, { msgId: `fact-${event.subject}-${n}` });
  };

  beforeAll(async () => {
    nats = await startPrivateNats();
    bus = await connectBus(nats);
    publisher = new BusClient(bus, 5000);
  });
  afterAll(async () => {
    for (const s of subscriptions) s.stop();
    await bus.drain();
    await nats.stop();
  });

  function subscribe(event: ReturnType<typeof fixture>['event'], logger = new RecordingLogger()) {
    const subscription = new BroadcastSubscription(bus, event, logger);
    subscriptions.push(subscription);
    return subscription;
  }

  it('resolves start() only once every event stored before it has been applied', async () => {
    const { stream, event, other } = fixture();
    await ensureStream(bus.jsm, stream);
    await publishAll(event, 0, 500);
    // A later message on another subject of the stream: not one this subscription will ever see.
    await bus.js.publish(other, '{}');

    const seen: number[] = [];
    await subscribe(event).start(new Date(Date.now() - 60_000), (fact) => seen.push(fact.n));

    expect(seen).toEqual(Array.from({ length: 500 }, (_, n) => n));
  });

  it('resolves at once when nothing was stored since `since`, and still delivers what comes later', async () => {
    const { stream, event } = fixture();
    await ensureStream(bus.jsm, stream);
    await publishAll(event, 0, 3);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const seen: number[] = [];
    const started = Date.now();
    await subscribe(event).start(new Date(), (fact) => seen.push(fact.n), { replayTimeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen).toEqual([]);

    await publishAll(event, 3, 2);
    await waitFor('the new events', () => seen.length === 2);
    expect(seen).toEqual([3, 4]);
  });

  it('goes on with a warning when the replay takes longer than the bound', async () => {
    const { stream, event } = fixture();
    await ensureStream(bus.jsm, stream);
    await publishAll(event, 0, 3);
    // A consumer that delivers only after 400 ms, as on a slow link or a huge backlog.
    const get = bus.js.consumers.get.bind(bus.js.consumers);
    jest.spyOn(bus.js.consumers, 'get').mockImplementationOnce(async (...args: Parameters<typeof get>) => {
      const consumer = await get(...args);
      const consume = consumer.consume.bind(consumer);
      consumer.consume = async (...consumeArgs: Parameters<typeof consume>) => {
        const messages = await consume(...consumeArgs);
        const slow = {
          stop: () => messages.stop(),
          status: () => messages.status(),
          async *[Symbol.asyncIterator]() {
            await sleep(400);
            yield* messages;
          },
        };
        return slow as unknown as ConsumerMessages;
      };
      return consumer;
    });
    const logger = new RecordingLogger();
    const seen: number[] = [];

    const started = Date.now();
    await subscribe(event, logger).start(new Date(0), (fact) => seen.push(fact.n), { replayTimeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(400);
    expect(seen).toEqual([]);
    expect(logger.at('warn').map((e) => e.message)).toEqual([expect.stringContaining('replay not finished after 100 ms')]);
    await waitFor('the rest of the replay', () => seen.length === 3);
  });

  it('restarts the consume loop when it dies, resuming after the last event it handled', async () => {
    const { stream, event } = fixture();
    await ensureStream(bus.jsm, stream);
    await publishAll(event, 0, 3);
    const logger = new RecordingLogger();
    const seen: number[] = [];
    const subscription = subscribe(event, logger);
    await subscription.start(new Date(0), (fact) => seen.push(fact.n));

    // Kill the loop from outside, as a failing connection or consumer would.
    (subscription as unknown as { messages: ConsumerMessages }).messages.stop();
    await waitFor('the restart to be logged', () => logger.at('warn').some((e) => e.message.includes('subscription ended; restarting')));
    await publishAll(event, 3, 2);

    await waitFor('the events after the restart', () => seen.length === 5);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });
});
