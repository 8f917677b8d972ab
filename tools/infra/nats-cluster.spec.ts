import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectOptions } from '../../test/support/nats-login';
import { startNatsCluster, type NatsCluster } from './nats-cluster';

jest.setTimeout(120_000);

describe('a private three-node NATS JetStream cluster', () => {
  let dir: string;
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-nats-cluster-spec-'));
    cluster = await startNatsCluster({ dataDir: join(dir, 'data'), logDir: join(dir, 'logs') });
    nc = await connect({
      ...natsConnectOptions({ servers: cluster.urls, credentialsDir: cluster.credentialsDir }),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Publishes until the stream stores the message (a leader may be being elected). */
  async function publishEventually(subject: string, id: string): Promise<void> {
    const js = jetstream(nc);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await js.publish(subject, id, { msgID: id, timeout: 2000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  it('runs three nodes on distinct loopback ports, listed together as NATS_URL takes them', () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(cluster.urls.split(',')).toEqual(cluster.nodes.map((n) => n.url));
    expect(new Set(cluster.nodes.map((n) => n.url)).size).toBe(3);
    for (const url of cluster.urls.split(',')) expect(url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
  });

  it('replicates a stream three times, keeps it through the death of its leader, and takes the node back', async () => {
    const created = await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'], num_replicas: 3 });
    expect(created.config.num_replicas).toBe(3);
    await publishEventually('kept.a', 'one');

    const leaderName = (await jsm.streams.info('KEPT')).cluster?.leader;
    const leader = cluster.nodes.find((n) => n.name === leaderName)!;
    expect(leader).toBeDefined();
    await leader.kill();
    expect(leader.running).toBe(false);

    await publishEventually('kept.a', 'two');
    const after = await jsm.streams.info('KEPT');
    expect(after.state.messages).toBe(2);
    expect(after.cluster?.leader).not.toBe(leaderName);

    await leader.start();
    await cluster.healthy();
    const replicas = (await jsm.streams.info('KEPT')).cluster?.replicas ?? [];
    expect(replicas.find((r) => r.name === leaderName)).toMatchObject({ current: true });
  });

  it('comes back from the death of every node with its streams and messages', async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
    expect(cluster.nodes.every((n) => !n.running)).toBe(true);
    await Promise.all(cluster.nodes.map((n) => n.start()));
    await cluster.healthy();

    await publishEventually('kept.a', 'three');
    expect((await jsm.streams.info('KEPT')).state.messages).toBe(3);
  });
});
