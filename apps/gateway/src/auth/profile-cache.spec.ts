// Two gateway replicas' profile caches on a private nats-server, where this spec plays auth: it
// answers the profile requests (each answer a new version) and announces a user's change on
// AUTH_EVENTS. The change drops the user's profile on both replicas at once, long before the TTL.
import { AuthEvents, AuthRpc, type Profile } from '@ir/contracts';
import { BusClient, NatsBus } from '@ir/messaging';
import { natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import type { GatewayConfig } from '../gateway.config';
import { AuthEventsStream } from './auth-events-stream';
import { ProfileCache } from './profile-cache';

jest.setTimeout(30_000);

const encoder = new TextEncoder();
const decoder = new TextDecoder();
// A TTL far beyond the test: only the event can drop a kept profile.
const config = { PROFILE_CACHE_TTL: 600_000, NATS_STREAM_REPLICAS: 1 } as GatewayConfig;

let nats: PrivateNats;
let authBus: NatsBus;
const replicas: { bus: NatsBus; cache: ProfileCache }[] = [];
/** How many times auth was asked for each user's profile: each answer's name carries the count. */
const asked = new Map<string, number>();

async function replica(name: string): Promise<ProfileCache> {
  const bus = await NatsBus.connect({ servers: nats.url, name, credentials: natsCredentials(nats) });
  const cache = new ProfileCache(new BusClient(bus, 5_000), config, bus, new AuthEventsStream(bus, config));
  await cache.onModuleInit();
  replicas.push({ bus, cache });
  return cache;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

beforeAll(async () => {
  nats = await startPrivateNats('ir-profile-cache-');
  authBus = await NatsBus.connect({ servers: nats.url, name: 'auth-spec', credentials: natsCredentials(nats) });
  const sub = authBus.nc.subscribe(AuthRpc.getProfile.subject);
  void (async () => {
    for await (const msg of sub) {
      const { user_id } = JSON.parse(decoder.decode(msg.data)) as { user_id: string };
      const count = (asked.get(user_id) ?? 0) + 1;
      asked.set(user_id, count);
      const profile: Profile = {
        id: user_id,
        email: `${user_id}@example.test`,
        username: user_id,
        name: `version ${count}`,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      };
      msg.respond(encoder.encode(JSON.stringify({ ok: true, data: profile })));
    }
  })();
});

afterAll(async () => {
  for (const { bus, cache } of replicas) {
    cache.onApplicationShutdown();
    await bus.drain();
  }
  await authBus?.drain();
  await nats?.stop();
});

describe('the profile cache of every gateway replica', () => {
  it("drops a user's profile when auth announces a change of it, on the replicas that did not serve the change too", async () => {
    const first = await replica('gateway-1');
    const second = await replica('gateway-2');
    expect((await first.of('ann')).name).toBe('version 1');
    expect((await second.of('ann')).name).toBe('version 2');
    expect((await first.of('bob')).name).toBe('version 1');
    // Kept: no request to auth.
    expect((await first.of('ann')).name).toBe('version 1');
    expect((await second.of('ann')).name).toBe('version 2');
    expect(asked.get('ann')).toBe(2);

    await new BusClient(authBus, 5_000).publish(AuthEvents.userChanged, { user_id: 'ann' }, { msgId: `user-changed:ann:${Date.now()}` });
    expect(await eventually(async () => (await first.of('ann')).name !== 'version 1')).toBe(true);
    expect(await eventually(async () => (await second.of('ann')).name !== 'version 2')).toBe(true);
    expect(asked.get('ann')).toBe(4);
    // Another user's profile stays kept.
    expect((await first.of('bob')).name).toBe('version 1');
    expect(asked.get('bob')).toBe(1);
  });

  it('refuses an announcement carrying more than the user id (no personal data on the stream)', () => {
    expect(AuthEvents.userChanged.payload.safeParse({ user_id: 'ann', email: 'ann@example.test' }).success).toBe(false);
  });
});
