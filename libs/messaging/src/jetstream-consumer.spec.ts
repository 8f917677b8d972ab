// Event publishing and durable consumers of the JetStream transport against a real, private nats-server.
import { BusEvents, defineEvent, Streams, type DeadLetter, type EventContract } from '@ir/contracts';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { BusContext } from './bus-context';
import { ConsumerHandler, PermanentFailure, type ConsumerHandlerOptions } from './handler-options';
import type { NatsBus } from './nats-bus';
import { ensureStream } from './provisioning';
import {
  client,
  connectBus,
  gate,
  readStream,
  sleep,
  startPrivateNats,
  startService,
  testStream,
  waitFor,
  type PrivateNats,
  type ServiceHandle,
} from './testing/bus-harness';

jest.setTimeout(20_000);

const Thing = z.object({ n: z.number().int() });
type Thing = z.infer<typeof Thing>;

/** Each test gets its own subject, stream and durable, so tests never see each other's messages. */
let serial = 0;
function fixture(retention: 'limits' | 'workqueue' = 'limits') {
  const id = `t${++serial}`;
  const stream = testStream(`TEST_${id.toUpperCase()}`, `test.evt.${id}`, retention);
  const event = defineEvent(`test.evt.${id}.happened`, stream.name, Thing);
  return { id, stream, event, durable: `spec-${id}` };
}

interface Delivery {
  n: number;
  replica: string;
  deliveryCount: number;
  at: number;
}

type Behaviour = (data: Thing, ctx: BusContext, replica: string) => unknown;

function consumerController(
  event: EventContract,
  options: ConsumerHandlerOptions,
  replica: string,
  seen: Delivery[],
  behaviour: Behaviour = () => undefined,
) {
  @Controller()
  class SpecConsumer {
    @ConsumerHandler(event, options)
    async handle(@Payload() data: Thing, @Ctx() ctx: BusContext) {
      seen.push({ n: data.n, replica, deliveryCount: ctx.getDeliveryCount(), at: Date.now() });
      await behaviour(data, ctx, replica);
    }
  }
  return SpecConsumer;
}

describe('JetStream transport: events and durable consumers', () => {
  let nats: PrivateNats;
  let bus: NatsBus;
  const services: ServiceHandle[] = [];

  async function replica(
    f: ReturnType<typeof fixture>,
    name: string,
    seen: Delivery[],
    options: Partial<ConsumerHandlerOptions> = {},
    behaviour?: Behaviour,
  ) {
    const service = await startService(nats, {
      service: `svc-${f.id}`,
      streams: [f.stream],
      controllers: [consumerController(f.event, { durable: f.durable, ...options }, name, seen, behaviour)],
    });
    services.push(service);
    return service;
  }

  async function publish(f: ReturnType<typeof fixture>, ns: number[]) {
    for (const n of ns) await client(bus).publish(f.event, { n }, { msgId: `${f.id}-${n}` });
  }

  const consumerInfo = (f: ReturnType<typeof fixture>) => bus.jsm.consumers.info(f.stream.name, f.durable);

  async function deadLettersFor(durable: string): Promise<DeadLetter[]> {
    const all = (await readStream(bus, Streams.deadLetters.name, BusEvents.deadLettered.subject)) as DeadLetter[];
    return all.filter((d) => d.consumer === durable);
  }

  beforeAll(async () => {
    nats = await startPrivateNats();
    bus = await connectBus(nats, 'spec-publisher');
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('publish with the same msgId twice stores the message once', async () => {
    const f = fixture();
    await ensureStream(bus.jsm, f.stream);
    const publisher = client(bus);
    await publisher.publish(f.event, { n: 1 }, { msgId: 'same' });
    await publisher.publish(f.event, { n: 1 }, { msgId: 'same' });
    expect((await bus.jsm.streams.info(f.stream.name)).state.messages).toBe(1);
    await publisher.publish(f.event, { n: 2 }, { msgId: 'other' });
    expect((await bus.jsm.streams.info(f.stream.name)).state.messages).toBe(2);
    // An invalid payload is refused before it reaches the stream.
    await expect(publisher.publish(f.event, { n: 'x' } as never, { msgId: 'bad' })).rejects.toThrow();
    expect((await bus.jsm.streams.info(f.stream.name)).state.messages).toBe(2);
  });

  it('a durable consumer receives published events in order and acks them', async () => {
    const f = fixture();
    const seen: Delivery[] = [];
    await replica(f, 'a', seen);
    await publish(f, [1, 2, 3, 4, 5]);
    await waitFor('5 deliveries', () => seen.length >= 5);
    expect(seen.map((d) => d.n)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((d) => d.deliveryCount === 1)).toBe(true);
    await waitFor('all acks', async () => {
      const info = await consumerInfo(f);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    expect((await consumerInfo(f)).delivered.stream_seq).toBe(5);
    await sleep(100);
    expect(seen).toHaveLength(5);
  });

  it('a consumer created with deliverFrom "all" also gets what was stored before it existed', async () => {
    const f = fixture();
    await ensureStream(bus.jsm, f.stream);
    await publish(f, [1, 2]);
    const seen: Delivery[] = [];
    await replica(f, 'a', seen, { deliverFrom: 'all' });
    await publish(f, [3]);
    await waitFor('3 deliveries', () => seen.length >= 3);
    expect(seen.map((d) => d.n)).toEqual([1, 2, 3]);
  });

  it('two replicas sharing a durable on a workqueue stream split the messages, each handled exactly once', async () => {
    const f = fixture('workqueue');
    const seen: Delivery[] = [];
    await Promise.all([replica(f, 'a', seen, {}, () => sleep(10)), replica(f, 'b', seen, {}, () => sleep(10))]);
    const ns = Array.from({ length: 30 }, (_, i) => i);
    await publish(f, ns);
    await waitFor('30 deliveries', () => seen.length >= 30, 10_000);
    await waitFor('all acks', async () => (await consumerInfo(f)).num_ack_pending === 0);
    await sleep(200);
    expect(seen.map((d) => d.n).sort((x, y) => x - y)).toEqual(ns);
    expect(seen.filter((d) => d.replica === 'a').length).toBeGreaterThan(0);
    expect(seen.filter((d) => d.replica === 'b').length).toBeGreaterThan(0);
    expect(seen.every((d) => d.deliveryCount === 1)).toBe(true);
    // Workqueue retention drops a message once it is acked.
    expect((await bus.jsm.streams.info(f.stream.name)).state.messages).toBe(0);
  });

  it('redelivers to another replica, as delivery 2, a message whose consumer died without acking', async () => {
    const f = fixture('workqueue');
    const seen: Delivery[] = [];
    const held = gate();
    const options = { ackWaitMs: 1000, retryDelaysMs: [100] };
    const first = await replica(f, 'a', seen, options, (_d, _c, r) => (r === 'a' ? held.promise : undefined));
    try {
      await publish(f, [7]);
      await waitFor('the first replica to take the message', () => seen.length === 1);
      // The process dies: its connection goes away without an ack.
      await first.bus.nc.close();
      const diedAt = Date.now();
      await replica(f, 'b', seen, options);
      await waitFor('the redelivery', () => seen.length === 2, 5000);
      expect(seen).toEqual([
        expect.objectContaining({ n: 7, replica: 'a', deliveryCount: 1 }),
        expect.objectContaining({ n: 7, replica: 'b', deliveryCount: 2 }),
      ]);
      // Not before the ack deadline of the first delivery.
      expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(900);
      expect(seen[1].at - diedAt).toBeLessThan(3000);
      await waitFor('the ack', async () => (await consumerInfo(f)).num_ack_pending === 0);
    } finally {
      // Closing the dead replica afterwards takes ~5 s: the released handler's ackAck waits out its timeout on the closed connection.
      held.open();
    }
  });

  it('retries a failing handler after the configured delays and acks it when the 3rd attempt succeeds', async () => {
    const f = fixture();
    const seen: Delivery[] = [];
    await replica(f, 'a', seen, { retryDelaysMs: [200, 400], maxDeliver: 5 }, (_d, ctx) => {
      if (ctx.getDeliveryCount() < 3) throw new Error(`flaky ${ctx.getDeliveryCount()}`);
    });
    await publish(f, [1]);
    await waitFor('3 attempts', () => seen.length >= 3, 5000);
    expect(seen.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(180);
    expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(380);
    await waitFor('the ack', async () => {
      const info = await consumerInfo(f);
      return info.num_ack_pending === 0 && info.num_redelivered === 0;
    });
    await sleep(300);
    expect(seen).toHaveLength(3);
    expect(await deadLettersFor(f.durable)).toEqual([]);
  });

  it('dead-letters a message whose handler throws PermanentFailure, with the reason, and does not redeliver it', async () => {
    const f = fixture();
    const seen: Delivery[] = [];
    const service = await replica(f, 'a', seen, { ackWaitMs: 1000, retryDelaysMs: [50], maxDeliver: 5 }, (data) => {
      if (data.n === 13) throw new PermanentFailure('thing 13 can never be handled');
    });
    await publish(f, [13, 14]);
    await waitFor('a dead letter', async () => (await deadLettersFor(f.durable)).length > 0);
    const [letter, ...more] = await deadLettersFor(f.durable);
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      stream: f.stream.name,
      consumer: f.durable,
      subject: f.event.subject,
      deliveries: 1,
      reason: 'thing 13 can never be handled',
      payload: JSON.stringify({ n: 13 }),
    });
    expect(BusEvents.deadLettered.payload.safeParse(letter).success).toBe(true);
    // Past the ack deadline: a terminated message is not delivered again.
    await sleep(1500);
    expect(seen.filter((d) => d.n === 13)).toHaveLength(1);
    expect(seen.filter((d) => d.n === 14)).toHaveLength(1);
    const info = await consumerInfo(f);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(await deadLettersFor(f.durable)).toHaveLength(1);
    expect(
      service.logger
        .at('error')
        .map((e) => e.message)
        .join('\n'),
    ).toContain('giving up');
  });

  it('dead-letters a message that fails on every attempt once maxDeliver is reached, and stops delivering it', async () => {
    const f = fixture();
    const seen: Delivery[] = [];
    await replica(f, 'a', seen, { ackWaitMs: 1000, retryDelaysMs: [50], maxDeliver: 3 }, () => {
      throw new Error('always broken');
    });
    await publish(f, [21]);
    await waitFor('a dead letter', async () => (await deadLettersFor(f.durable)).length > 0, 5000);
    expect(await deadLettersFor(f.durable)).toEqual([
      expect.objectContaining({ consumer: f.durable, deliveries: 3, reason: 'always broken', payload: '{"n":21}' }),
    ]);
    await sleep(1500);
    expect(seen.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    expect((await consumerInfo(f)).num_ack_pending).toBe(0);
  });

  it('dead-letters a message that does not match the event contract without retrying it', async () => {
    const f = fixture();
    const seen: Delivery[] = [];
    await replica(f, 'a', seen, { ackWaitMs: 1000, retryDelaysMs: [50] });
    await bus.js.publish(f.event.subject, new TextEncoder().encode('{"n":"not a number"}'));
    await bus.js.publish(f.event.subject, new TextEncoder().encode('not json'));
    await waitFor('2 dead letters', async () => (await deadLettersFor(f.durable)).length === 2, 5000);
    const letters = await deadLettersFor(f.durable);
    expect(letters.map((l) => l.payload)).toEqual(['{"n":"not a number"}', 'not json']);
    expect(letters.every((l) => l.deliveries === 1)).toBe(true);
    expect(letters[0].reason).toMatch(/^invalid message: n:/);
    expect(seen).toEqual([]);
  });

  it('the default heartbeat keeps a slow handler message from being redelivered past ackWaitMs', async () => {
    // Two identical setups, one with the default heartbeat (a third of ackWaitMs) and one whose
    // heartbeat comes too late, so the spec proves the deadline was really passed.
    const withBeat = fixture('workqueue');
    const without = fixture('workqueue');
    const seenWith: Delivery[] = [];
    const seenWithout: Delivery[] = [];
    const slow = () => sleep(2200);
    for (const name of ['a', 'b']) {
      await replica(withBeat, name, seenWith, { ackWaitMs: 800 }, slow);
      await replica(without, name, seenWithout, { ackWaitMs: 800, heartbeatMs: 5000 }, slow);
    }
    await Promise.all([publish(withBeat, [1]), publish(without, [1])]);
    await waitFor(
      'both handlers to finish',
      async () => {
        const [a, b] = await Promise.all([consumerInfo(withBeat), consumerInfo(without)]);
        return a.num_ack_pending === 0 && a.num_pending === 0 && b.num_ack_pending === 0 && b.num_pending === 0;
      },
      8000,
    );
    expect(seenWith).toEqual([expect.objectContaining({ n: 1, deliveryCount: 1 })]);
    // With a late heartbeat the other replica got it again after the ack deadline.
    expect(seenWithout.length).toBeGreaterThanOrEqual(2);
    expect(seenWithout[1].deliveryCount).toBe(2);
  });

  it('close() stops consuming and waits for the handler in flight, which still acks', async () => {
    const f = fixture();
    const seen: Delivery[] = [];
    const held = gate();
    const service = await replica(f, 'a', seen, { ackWaitMs: 5000 }, () => held.promise);
    await publish(f, [1]);
    await waitFor('the handler to start', () => seen.length === 1);
    let closed = false;
    // Close the app only (its bus server), keeping the connection, as Nest does before the bus drains.
    const closing = service.app.close().then(() => (closed = true));
    await sleep(300);
    expect(closed).toBe(false);
    held.open();
    await closing;
    expect(closed).toBe(true);
    // The in-flight message was acked before close() resolved.
    expect((await consumerInfo(f)).num_ack_pending).toBe(0);
    // After close, new messages wait in the stream for the next replica.
    await publish(f, [2]);
    await sleep(500);
    expect(seen.map((d) => d.n)).toEqual([1]);
    expect((await consumerInfo(f)).num_pending).toBe(1);
  });
});
