// Sealed request fields end to end over a real private nats-server: the client seals them for the
// service that answers, the service opens them in its handler, and nothing between sees the plaintext.
import { Controller } from '@nestjs/common';
import { defineRpc, DomainError, ErrorCode, SealedBox, sealedField } from '@ir/contracts';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RpcHandler } from '../handler-options';
import { client, connectBus, startPrivateNats, startService, waitFor, type PrivateNats, type ServiceHandle } from '../testing/bus-harness';
import { SealOpener } from './seal-opener';
import { SealingModule } from './sealing.module';
import type { NatsBus } from '../nats-bus';

jest.setTimeout(30_000);

const Password = z.string().min(12, { error: 'must be at least 12 characters' });
const Keep = defineRpc(
  'auth.rpc.secret.keep',
  z.strictObject({ name: z.string(), password: SealedBox, nested: z.strictObject({ token: SealedBox.optional() }).optional() }),
  z.object({ password: z.string(), token: z.string().nullable() }),
  [sealedField(['password'], Password), sealedField(['nested', 'token'], z.string().optional())],
);
const PASSWORD = 'correct horse battery staple';

/** What the handler opened; a real service would use it and never send it back. */
@Controller()
class KeepController {
  constructor(private readonly sealed: SealOpener) {}

  @RpcHandler(Keep)
  keep(request: z.output<typeof Keep.request>) {
    const opened = this.sealed.open(Keep, request);
    return { password: opened.password, token: opened.nested?.token ?? null };
  }
}

describe('sealed request fields', () => {
  let nats: PrivateNats;
  let service: ServiceHandle;
  let caller: NatsBus;
  let tap: NatsBus;
  const seen: string[] = [];
  const startAuth = (secret: Buffer) =>
    startService(nats, {
      service: 'auth',
      controllers: [KeepController],
      imports: [SealingModule.forService('auth', { secret: () => secret })],
    });

  beforeAll(async () => {
    nats = await startPrivateNats();
    service = await startAuth(randomBytes(32));
    caller = await connectBus(nats, 'caller');
    tap = await connectBus(nats, 'tap');
    const everything = tap.nc.subscribe('>');
    void (async () => {
      for await (const msg of everything) seen.push(`${msg.subject} ${new TextDecoder().decode(msg.data)}`);
    })();
    await tap.nc.flush();
  });
  afterAll(async () => {
    await service?.close();
    await caller?.drain();
    await tap?.drain();
    await nats?.stop();
  });

  it('reach the handler opened, and cross the bus only sealed', async () => {
    const answer = await client(caller).request(Keep, { name: 'ann', password: PASSWORD, nested: { token: 'iri_token-of-ann' } });
    expect(answer).toEqual({ password: PASSWORD, token: 'iri_token-of-ann' });
    await waitFor('the tap to see the request', () => seen.some((line) => line.startsWith('auth.rpc.secret.keep ')));
    const request = seen.find((line) => line.startsWith('auth.rpc.secret.keep '))!;
    expect(request).toMatch(/"password":"seal1\./);
    expect(request).toMatch(/"token":"seal1\./);
    expect(request).not.toContain(PASSWORD);
    expect(request).not.toContain('iri_token-of-ann');
    // The public key went over the bus too: it is public.
    expect(seen.some((line) => line.startsWith('auth.rpc.seal-key.get '))).toBe(true);
  });

  it('are checked at the owner against the rules of their plaintext', async () => {
    const error = await client(caller)
      .request(Keep, { name: 'ann', password: 'short' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).issues).toEqual([{ field: 'password', rule: 'too_small', message: 'must be at least 12 characters' }]);
  });

  it('are refused in plain text, or changed on the way', async () => {
    const raw = async (payload: unknown) => {
      const reply = await caller.nc.request(Keep.subject, JSON.stringify(payload), { timeout: 5000 });
      return JSON.parse(new TextDecoder().decode(reply.data)) as { ok: boolean; error?: { code: string; issues?: { field: string }[] } };
    };
    const plain = await raw({ name: 'ann', password: PASSWORD });
    expect(plain.error?.code).toBe(ErrorCode.validation);
    expect(plain.error?.issues?.map((i) => i.field)).toEqual(['password']);

    await client(caller).request(Keep, { name: 'ann', password: PASSWORD });
    const box = /"password":"(seal1\.[^"]+)"/.exec(seen.filter((line) => line.startsWith('auth.rpc.secret.keep ')).at(-1)!)![1];
    const parts = box.split('.');
    parts[4] = `${parts[4][0] === 'A' ? 'B' : 'A'}${parts[4].slice(1)}`;
    const changed = await raw({ name: 'ann', password: parts.join('.') });
    expect(changed.error?.issues?.map((i) => i.field)).toEqual(['password']);
  });

  it("are sealed again with the service's new key after it changed, without the caller noticing", async () => {
    const bus = client(caller);
    await bus.request(Keep, { name: 'ann', password: PASSWORD });
    await service.close();
    service = await startAuth(randomBytes(32));
    // The caller still holds the old key: the service says so, the caller fetches the new one and sends again.
    await expect(bus.request(Keep, { name: 'ann', password: PASSWORD })).resolves.toEqual({ password: PASSWORD, token: null });
  });
});
