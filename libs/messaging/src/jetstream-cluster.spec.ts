// The transport on a private three-node JetStream cluster: streams with three copies, and what
// publishers and consumers do when a node dies or every node restarts.
import { defineEvent, type StreamSpec } from '@ir/contracts';
import { AckPolicy } from '@nats-io/jetstream';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { BroadcastSubscription } from './broadcast-subscription';
import { FACT_PUBLISH_PATIENCE_MS } from './bus-client';
import { ConsumerHandler, type ConsumerHandlerOptions } from './handler-options';
import type { NatsBus } from './nats-bus';
import { ensureStream } from './provisioning';
import {
  client,
  connectBus,
  gate,
  RecordingLogger,
  sleep,
  startPrivateNatsCluster,
  startService,
  testStream,
  waitFor,
  type PrivateNatsCluster,
  type ServiceHandle,
} from './testing/bus-harness';

jest.setTimeout(90_000);

let cluster: PrivateNatsCluster;
let bus: NatsBus;
let serial = 0;
const fresh = (retention: StreamSpec['retention'] = 'limits'): StreamSpec => {
  const id = `c${++serial}`;
  return testStream(`CLUSTER_${id.toUpperCase()}`, `cluster.evt.${id}`, retention);
};
const THREE_COPIES = { replicas: 3 };
const Thing = z.object({ n: z.number().int() });

/** A service consuming `stream` through a durable of its own with `handle`, on the cluster, its streams with three copies. */
async function consumingService(
  stream: StreamSpec,
  options: ConsumerHandlerOptions,
  handle: (n: number) => Promise<void>,
): Promise<ServiceHandle> {
  const event = defineEvent(stream.subjects[0].replace('>', 'happened'), stream.name, Thing);
  @Controller()
  class ClusterConsumer {
    @ConsumerHandler(event, options)
    async handle(@Payload() data: z.infer<typeof Thing>) {
      await handle(data.n);
    }
  }
  return startService(cluster, {
    service: `svc-${stream.name.toLowerCase()}`,
    streams: [stream],
    placement: THREE_COPIES,
    controllers: [ClusterConsumer],
  });
}

/** Kills the node that leads `durable` on `stream` (JetStream's ack state lives there); resolves with it. */
async function killConsumerLeader(stream: string, durable: string) {
  const leader = (await bus.jsm.consumers.info(stream, durable)).cluster?.leader;
  const node = cluster.nodes.find((n) => n.name === leader);
  if (!node) throw new Error(`no leader for ${stream} > ${durable}`);
  await node.kill();
  return node;
}

beforeAll(async () => {
  cluster = await startPrivateNatsCluster();
  bus = await connectBus(cluster, 'spec-cluster');
});

afterAll(async () => {
  await bus?.drain();
  await cluster?.stop();
});

describe('provisioning on a cluster', () => {
  it('creates a stream with three copies, each on its own node', async () => {
    const spec = fresh();
    await ensureStream(bus.jsm, spec, { replicas: 3 });
    const info = await bus.jsm.streams.info(spec.name);
    expect(info.config.num_replicas).toBe(3);
    const nodes = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)];
    expect(nodes.sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('gives a stream created with one copy three, keeping its messages and its durable consumer', async () => {
    const spec = fresh();
    await ensureStream(bus.jsm, spec);
    const subject = spec.subjects[0].replace('>', 'happened');
    await bus.js.publish(subject, new Uint8Array([1]), { msgID: 'one' });
    await bus.jsm.consumers.add(spec.name, { durable_name: 'kept', ack_policy: AckPolicy.Explicit });

    await ensureStream(bus.jsm, spec, { replicas: 3 });
    const info = await bus.jsm.streams.info(spec.name);
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(1);
    // The consumer follows its stream onto the new copies, and elects a leader there (nats-server 2.9: up to about 5 s).
    await waitFor(
      'the consumer on three copies with its message',
      async () => {
        const consumer = await bus.jsm.consumers.info(spec.name, 'kept').catch(() => undefined);
        return consumer?.num_pending === 1 && consumer.cluster?.leader !== undefined && consumer.cluster?.replicas?.length === 2;
      },
      30_000,
    );
    // Running it again changes nothing.
    await ensureStream(bus.jsm, spec, { replicas: 3 });
    expect((await bus.jsm.streams.info(spec.name)).created).toBe(info.created);
    // nats-server 2.9.10: a consumer that existed before the scale-up never catches up on its first
    // node once that node restarts (/healthz stays 503 there). Gone, it cannot spoil the tests below.
    const gone = (): Promise<boolean> =>
      bus.jsm.streams.info(spec.name).then(
        () => false,
        () => true,
      );
    await waitFor('the stream deleted', () => bus.jsm.streams.delete(spec.name).then(() => true, gone), 30_000, 500);
  });

  it('a service that starts while the cluster has no JetStream leader waits for one instead of exiting', async () => {
    const spec = fresh();
    const [, ...others] = cluster.nodes;
    await Promise.all(others.map((n) => n.kill()));
    try {
      let started = false;
      const starting = startService(cluster, { service: 'svc-patient', streams: [spec], placement: THREE_COPIES, controllers: [] }).then(
        (service) => ((started = true), service),
      );
      // One node of three: no quorum, so JetStream's API times out (5 s) or says it is unavailable.
      await sleep(8000);
      expect(started).toBe(false);
      await Promise.all(others.map((n) => n.start()));
      const service = await starting;
      await service.close();
      expect(service.logger.at('warn').map((w) => w.message)).toContainEqual(
        expect.stringMatching(/^stream DEAD_LETTERS: (JetStream did not answer|streams cannot have 3 replicas).*; attempt 2 in 250 ms$/),
      );
      expect((await bus.jsm.streams.info(spec.name)).config.num_replicas).toBe(3);
    } finally {
      for (const node of cluster.nodes) if (!node.running) await node.start();
      await cluster.healthy();
    }
  });

  it('refuses more copies than the cluster has nodes, saying which setting', async () => {
    await expect(ensureStream(bus.jsm, fresh(), { replicas: 5 })).rejects.toThrow(
      'streams cannot have 5 replicas (NATS_STREAM_REPLICAS): the NATS cluster has fewer servers with JetStream',
    );
    const spec = fresh();
    await ensureStream(bus.jsm, spec, { replicas: 3 });
    await expect(ensureStream(bus.jsm, spec, { replicas: 5 })).rejects.toThrow(
      'streams cannot have 5 replicas (NATS_STREAM_REPLICAS): the NATS cluster has fewer servers with JetStream',
    );
  });
});

describe('publishing on a cluster', () => {
  afterEach(async () => {
    for (const node of cluster.nodes) if (!node.running) await node.start();
    await cluster.healthy();
  });

  it('a fact published while its stream elects a new leader is stored once the election is over, once', async () => {
    const stream = fresh();
    await ensureStream(bus.jsm, stream, THREE_COPIES);
    const event = defineEvent(stream.subjects[0].replace('>', 'happened'), stream.name, Thing);
    const publisher = client(bus, 2000);
    await publisher.publish(event, { n: 1 }, { msgId: 'before' });

    const leader = (await bus.jsm.streams.info(stream.name)).cluster!.leader!;
    await cluster.nodes.find((n) => n.name === leader)!.kill();
    // No leader: one try is refused at once.
    await expect(publisher.publish(event, { n: 2 }, { msgId: 'during', patienceMs: 0 })).rejects.toThrow();
    const started = Date.now();
    await publisher.publish(event, { n: 2 }, { msgId: 'during', patienceMs: FACT_PUBLISH_PATIENCE_MS });
    expect(Date.now() - started).toBeLessThan(FACT_PUBLISH_PATIENCE_MS);
    await publisher.publish(event, { n: 2 }, { msgId: 'during' });

    const info = await bus.jsm.streams.info(stream.name);
    expect(info.cluster?.leader).not.toBe(leader);
    expect(info.state.messages).toBe(2);
  });
});

describe('consumers on a cluster', () => {
  const services: ServiceHandle[] = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close().catch(() => undefined)));
    for (const node of cluster.nodes) if (!node.running) await node.start();
    await cluster.healthy();
  });

  it('a handler that ends while its consumer elects a new leader has its ack confirmed, not the message redelivered', async () => {
    const stream = fresh('workqueue');
    const seen: number[] = [];
    const held = gate();
    services.push(
      await consumingService(stream, { durable: 'acker', ackWaitMs: 30_000 }, async (n) => {
        seen.push(n);
        await held.promise;
      }),
    );
    await client(bus).publish(defineEvent(stream.subjects[0].replace('>', 'happened'), stream.name, Thing), { n: 1 }, { msgId: 'one' });
    await waitFor('the handler to take the message', () => seen.length === 1, 10_000);

    await killConsumerLeader(stream.name, 'acker');
    held.open();
    // Well within the ack wait (30 s), after which the server would deliver it again.
    await waitFor(
      'the ack, confirmed by the new leader',
      async () => {
        const info = await bus.jsm.consumers.info(stream.name, 'acker').catch(() => undefined);
        return info?.num_ack_pending === 0 && info.num_pending === 0;
      },
      20_000,
      250,
    );
    // The stream's own leader may be electing too (the killed node held it): its info is asked again until it answers.
    let messages: number | undefined;
    await waitFor(
      'the stream to answer',
      async () => (messages = (await bus.jsm.streams.info(stream.name).catch(() => undefined))?.state.messages) !== undefined,
      20_000,
      250,
    );
    expect(messages).toBe(0);
    expect((await bus.jsm.consumers.info(stream.name, 'acker')).num_redelivered).toBe(0);
    expect(seen).toEqual([1]);
  });

  it('a durable and a broadcast consumer take new messages within seconds of every node coming back', async () => {
    const stream = fresh();
    const event = defineEvent(stream.subjects[0].replace('>', 'happened'), stream.name, Thing);
    const durable: number[] = [];
    services.push(await consumingService(stream, { durable: 'survivor' }, async (n) => void durable.push(n)));
    const broadcast: number[] = [];
    const subscription = new BroadcastSubscription(services[0].bus, event, new RecordingLogger());
    await subscription.start(new Date(), (payload) => broadcast.push(payload.n));
    try {
      await client(bus).publish(event, { n: 1 }, { msgId: 'before' });
      await waitFor('both to take the first message', () => durable.length === 1 && broadcast.length === 1, 10_000);

      await Promise.all(cluster.nodes.map((n) => n.kill()));
      await sleep(1_000);
      await Promise.all(cluster.nodes.map((n) => n.start()));
      await cluster.healthy();
      await client(bus).publish(event, { n: 2 }, { msgId: 'after', patienceMs: FACT_PUBLISH_PATIENCE_MS });
      // nats.js checks a consumer again after a reconnect once per pull expiry, which was 30 s.
      await waitFor(
        'both to take the message published after the restart',
        () => durable.includes(2) && broadcast.includes(2),
        12_000,
        100,
      );
      // The durable's ack of the first may not have reached any disk before every node was killed: it may come again.
      expect(durable.filter((n) => n === 2)).toEqual([2]);
      expect(broadcast).toEqual([1, 2]);
    } finally {
      subscription.stop();
    }
  });
});
