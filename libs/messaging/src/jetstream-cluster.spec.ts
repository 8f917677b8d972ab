// The transport on a private three-node JetStream cluster: streams with three copies, and what
// publishers and consumers do when a node dies or every node restarts.
import type { StreamSpec } from '@ir/contracts';
import { AckPolicy } from '@nats-io/jetstream';
import type { NatsBus } from './nats-bus';
import { ensureStream } from './provisioning';
import { connectBus, startPrivateNatsCluster, testStream, waitFor, type PrivateNatsCluster } from './testing/bus-harness';

jest.setTimeout(90_000);

let cluster: PrivateNatsCluster;
let bus: NatsBus;
let serial = 0;
const fresh = (): StreamSpec => {
  const id = `c${++serial}`;
  return testStream(`CLUSTER_${id.toUpperCase()}`, `cluster.evt.${id}`);
};

beforeAll(async () => {
  cluster = await startPrivateNatsCluster();
  bus = await connectBus(cluster.urls.split(','), 'spec-cluster');
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
