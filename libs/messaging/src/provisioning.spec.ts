// Stream and consumer provisioning against a real, private nats-server.
import type { StreamSpec } from '@ir/contracts';
import { AckPolicy, DeliverPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { NatsBus } from './nats-bus';
import { ensureDurableConsumer, ensureStream, type DurableConsumerSpec } from './provisioning';
import { connectBus, startPrivateNats, testStream, type PrivateNats } from './testing/bus-harness';

jest.setTimeout(20_000);

describe('provisioning', () => {
  let nats: PrivateNats;
  let bus: NatsBus;
  let serial = 0;
  const fresh = (retention: StreamSpec['retention'] = 'limits'): StreamSpec => {
    const id = `p${++serial}`;
    return testStream(`PROV_${id.toUpperCase()}`, `prov.evt.${id}`, retention);
  };
  const consumerSpec = (stream: StreamSpec, overrides: Partial<DurableConsumerSpec> = {}): DurableConsumerSpec => ({
    stream: stream.name,
    durable: `durable-${stream.name.toLowerCase()}`,
    filterSubject: stream.subjects[0].replace('>', 'happened.now'),
    ackWaitMs: 2000,
    maxDeliver: 4,
    deliverFrom: 'new',
    ...overrides,
  });

  beforeAll(async () => {
    nats = await startPrivateNats();
    bus = await connectBus(nats, 'spec-provisioning');
  });

  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('ensureStream creates the stream as specified and is idempotent', async () => {
    const spec = fresh('workqueue');
    await ensureStream(bus.jsm, spec);
    const first = await bus.jsm.streams.info(spec.name);
    expect(first.config).toMatchObject({
      name: spec.name,
      subjects: spec.subjects,
      retention: RetentionPolicy.Workqueue,
      max_age: nanos(3600 * 1000),
      duplicate_window: nanos(60 * 1000),
    });
    await bus.js.publish(spec.subjects[0].replace('>', 'a.b'), new Uint8Array([1]));
    await ensureStream(bus.jsm, spec);
    const second = await bus.jsm.streams.info(spec.name);
    expect(second.created).toBe(first.created);
    expect(second.config).toEqual(first.config);
    expect(second.state.messages).toBe(1);
  });

  it('ensureStream run concurrently by many replicas creates one stream without failing', async () => {
    const spec = fresh();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => ensureStream(bus.jsm, spec)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const names: string[] = [];
    for await (const name of bus.jsm.streams.names()) names.push(name);
    expect(names.filter((n) => n === spec.name)).toHaveLength(1);
    // And concurrently again, on the existing stream.
    await expect(Promise.all(Array.from({ length: 6 }, () => ensureStream(bus.jsm, spec)))).resolves.toBeDefined();
  });

  it('ensureStream brings an existing stream to the spec: max_age, duplicate window and subjects, keeping its messages', async () => {
    const spec = fresh();
    await ensureStream(bus.jsm, spec);
    await bus.js.publish(spec.subjects[0].replace('>', 'a.b'), new Uint8Array([1]));
    const changed: StreamSpec = {
      ...spec,
      subjects: [...spec.subjects, `${spec.subjects[0].replace('.>', '')}-extra.>`],
      maxAgeSeconds: 7200,
      duplicateWindowSeconds: 30,
    };
    await ensureStream(bus.jsm, changed);
    const info = await bus.jsm.streams.info(spec.name);
    expect(info.config.max_age).toBe(nanos(7200 * 1000));
    expect(info.config.duplicate_window).toBe(nanos(30 * 1000));
    expect(info.config.subjects).toEqual(changed.subjects);
    expect(info.state.messages).toBe(1);
    // Only max_age changes.
    await ensureStream(bus.jsm, { ...changed, maxAgeSeconds: 60 });
    expect((await bus.jsm.streams.info(spec.name)).config.max_age).toBe(nanos(60 * 1000));
  });

  it('ensureDurableConsumer creates an explicit-ack pull consumer and is idempotent', async () => {
    const stream = fresh();
    await ensureStream(bus.jsm, stream);
    const spec = consumerSpec(stream);
    await ensureDurableConsumer(bus.jsm, spec);
    const first = await bus.jsm.consumers.info(stream.name, spec.durable);
    expect(first.config).toMatchObject({
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(2000),
      max_deliver: 4,
      filter_subject: spec.filterSubject,
      deliver_policy: DeliverPolicy.New,
    });
    expect(first.config.deliver_subject).toBeUndefined();
    await ensureDurableConsumer(bus.jsm, spec);
    const second = await bus.jsm.consumers.info(stream.name, spec.durable);
    expect(second.created).toBe(first.created);
    expect(second.config).toEqual(first.config);
  });

  it('ensureDurableConsumer run concurrently by many replicas creates one consumer without failing', async () => {
    const stream = fresh();
    await ensureStream(bus.jsm, stream);
    const spec = consumerSpec(stream, { deliverFrom: 'all' });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => ensureDurableConsumer(bus.jsm, spec)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const consumers: string[] = [];
    for await (const ci of bus.jsm.consumers.list(stream.name)) consumers.push(ci.name);
    expect(consumers).toEqual([spec.durable]);
    expect((await bus.jsm.consumers.info(stream.name, spec.durable)).config.deliver_policy).toBe(DeliverPolicy.All);
    await expect(Promise.all(Array.from({ length: 6 }, () => ensureDurableConsumer(bus.jsm, spec)))).resolves.toBeDefined();
  });

  it('ensureDurableConsumer updates ack wait and max deliver of an existing consumer, keeping its position', async () => {
    const stream = fresh();
    await ensureStream(bus.jsm, stream);
    const spec = consumerSpec(stream);
    await ensureDurableConsumer(bus.jsm, spec);
    await ensureDurableConsumer(bus.jsm, { ...spec, ackWaitMs: 9000, maxDeliver: 7, deliverFrom: 'all' });
    const info = await bus.jsm.consumers.info(stream.name, spec.durable);
    expect(info.config.ack_wait).toBe(nanos(9000));
    expect(info.config.max_deliver).toBe(7);
    // Where it starts is fixed at creation.
    expect(info.config.deliver_policy).toBe(DeliverPolicy.New);
  });

  it('ensureDurableConsumer on a workqueue stream starts from everything still stored, as JetStream requires', async () => {
    const stream = fresh('workqueue');
    await ensureStream(bus.jsm, stream);
    const spec = consumerSpec(stream, { deliverFrom: 'new' });
    await ensureDurableConsumer(bus.jsm, spec);
    expect((await bus.jsm.consumers.info(stream.name, spec.durable)).config.deliver_policy).toBe(DeliverPolicy.All);
  });

  it('ensureStream keeps one copy by default, and refuses three on a server that is not part of a cluster, saying which setting', async () => {
    const spec = fresh();
    await ensureStream(bus.jsm, spec);
    expect((await bus.jsm.streams.info(spec.name)).config.num_replicas).toBe(1);
    await expect(ensureStream(bus.jsm, fresh(), { replicas: 3 })).rejects.toThrow(
      'streams cannot have 3 replicas (NATS_STREAM_REPLICAS): the NATS server is not part of a cluster',
    );
    // An existing stream too: a single server would take the update, report three copies and keep one.
    await expect(ensureStream(bus.jsm, spec, { replicas: 3 })).rejects.toThrow(
      'streams cannot have 3 replicas (NATS_STREAM_REPLICAS): the NATS server is not part of a cluster',
    );
    expect((await bus.jsm.streams.info(spec.name)).config.num_replicas).toBe(1);
  });
});
