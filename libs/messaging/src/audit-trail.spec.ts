// The audit trail's publisher against a real, private nats-server: what one recorded change puts on
// AUDIT_EVENTS, taken from the request it was made in (across the bus, as a service sees it).
import { AuditEntry, AuditEvents, defineRpc, ServiceName, Streams, type Principal } from '@ir/contracts';
import { runWithRequestContext } from '@ir/platform';
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AuditTrail } from './audit-trail';
import { BusClient } from './bus-client';
import { RpcHandler } from './handler-options';
import type { NatsBus } from './nats-bus';
import { runAs } from './principal-context';
import {
  client,
  connectBus,
  readStream,
  startPrivateNats,
  startService,
  type PrivateNats,
  type ServiceHandle,
} from './testing/bus-harness';

jest.setTimeout(20_000);

const PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const Rename = defineRpc(
  'test.rpc.database.rename',
  z.object({ id: z.string(), name: z.string() }),
  z.object({ recorded: z.literal(true) }),
);

const alice: Principal = { kind: 'user', id: 'u-alice', name: 'alice', system_admin: false, projects: { [PROJECT]: 'admin' } };

/** A change made in a service: it records one entry, as the services do after a change. */
@Controller()
class RenameController {
  constructor(private readonly trail: AuditTrail) {}

  @RpcHandler(Rename)
  async rename(@Payload() request: z.output<typeof Rename.request>) {
    await this.trail.record({
      action: 'database.updated',
      outcome: 'succeeded',
      projectId: PROJECT,
      target: { kind: 'database', id: request.id, name: request.name },
      details: { renamed_to: request.name },
    });
    return { recorded: true } as const;
  }
}

describe('AuditTrail', () => {
  let nats: PrivateNats;
  let bus: NatsBus;
  let service: ServiceHandle;
  let trailBus: NatsBus;

  beforeAll(async () => {
    nats = await startPrivateNats();
    bus = await connectBus(nats);
    trailBus = await connectBus(nats, 'registry-trail');
    @Module({
      providers: [{ provide: AuditTrail, useFactory: () => new AuditTrail(new BusClient(trailBus, 2000), ServiceName.registry) }],
      exports: [AuditTrail],
    })
    class TrailModule {}
    service = await startService(nats, {
      service: 'registry',
      controllers: [RenameController],
      imports: [TrailModule],
      streams: [Streams.auditEvents],
    });
  });

  afterAll(async () => {
    await service?.close();
    await trailBus?.drain();
    await bus?.drain();
    await nats?.stop();
  });

  const entries = async (): Promise<AuditEntry[]> =>
    (await readStream(bus, Streams.auditEvents.name, AuditEvents.recorded.subject)).map((e) => AuditEntry.parse(e));

  it('an entry recorded while serving a request carries its actor, request id, client address and service', async () => {
    const request = { correlationId: 'req-audit-spec-1', clientAddress: '203.0.113.7' };
    await runWithRequestContext(request, () => runAs(alice, () => client(bus).request(Rename, { id: 'db-1', name: 'orders' })));

    const recorded = (await entries()).filter((e) => e.target.id === 'db-1');
    expect(recorded).toHaveLength(1);
    const [entry] = recorded;
    expect(entry).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(String),
      action: 'database.updated',
      outcome: 'succeeded',
      actor: { kind: 'user', id: 'u-alice', name: 'alice' },
      project_id: PROJECT,
      target: { kind: 'database', id: 'db-1', name: 'orders' },
      request_id: 'req-audit-spec-1',
      client_address: '203.0.113.7',
      service: 'registry',
      details: { renamed_to: 'orders' },
    });
    expect(Date.now() - Date.parse(entry.at)).toBeLessThan(10_000);
  });

  it('publishes each entry with its id as the message id, so a repeated publish is stored once', async () => {
    const trail = new AuditTrail(client(trailBus), ServiceName.auth);
    const record = {
      action: 'session.login',
      outcome: 'failed',
      projectId: null,
      target: { kind: 'user', id: 'bob' },
      actor: null,
    } as const;
    const entry = trail.entryOf(record);
    const publisher = client(trailBus);
    await publisher.publish(AuditEvents.recorded, entry, { msgId: entry.id });
    await publisher.publish(AuditEvents.recorded, entry, { msgId: entry.id });
    expect((await entries()).filter((e) => e.id === entry.id)).toHaveLength(1);
  });

  it("names the actor a record gives (a login), and a service's own work has no client address", async () => {
    const trail = new AuditTrail(client(trailBus), ServiceName.auth);
    const actor = { kind: 'user', id: 'u-bob', name: 'bob' } as const;
    const before = new Set((await entries()).map((e) => e.id));
    await trail.record({ action: 'session.login', outcome: 'succeeded', projectId: null, target: { kind: 'session', id: 's-1' }, actor });

    const [entry] = (await entries()).filter((e) => !before.has(e.id));
    expect(entry).toMatchObject({ actor, project_id: null, client_address: null, service: 'auth', action: 'session.login' });
    expect(entry.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not fail the change when the entry cannot be published (the trail logs it)', async () => {
    const lonely = await startPrivateNats();
    const lonelyBus = await connectBus(lonely);
    try {
      // No AUDIT_EVENTS stream on this server: every publish is refused.
      const trail = new AuditTrail(new BusClient(lonelyBus, 400), ServiceName.registry);
      await expect(
        trail.record({ action: 'database.deleted', outcome: 'succeeded', projectId: PROJECT, target: { kind: 'database', id: 'db-2' } }),
      ).resolves.toBeUndefined();
    } finally {
      await lonelyBus.drain();
      await lonely.stop();
    }
  });
});
