// GET /drift in a Nest app of its own, on a private nats-server where this spec answers the
// comparator's subject itself: the query string as the route validates it and passes it on.
import type { AddressInfo } from 'node:net';
import { ComparatorRpc, ErrorCode, type FleetDriftPage } from '@ir/contracts';
import { MessagingModule, NatsBus } from '@ir/messaging';
import { natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import { Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { HttpExceptionFilter } from '../http/http-exception.filter';
import { StrictQueryInterceptor } from '../http/route-query';
import { DriftController } from './drift.controller';

jest.setTimeout(20_000);

const PROJECT_ID = 'a'.repeat(24);
const DATABASE_ID = 'b'.repeat(24);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PAGE: FleetDriftPage = {
  items: [
    {
      database_id: DATABASE_ID,
      database_name: 'Shop',
      project_id: PROJECT_ID,
      db_name: 'shop',
      drift: true,
      failed: false,
      totals: {
        collections: 1,
        failed_collections: 0,
        not_found_collections: 0,
        missing: 1,
        matched: 0,
        name_differs: 0,
        redundant: 0,
        different: 0,
      },
      compared_at: '2026-11-01T00:00:00.000Z',
    },
  ],
  limit: 50,
  next_after: DATABASE_ID,
};

let nats: PrivateNats;
let bus: NatsBus;
let comparator: NatsBus;
let app: INestApplication;
let base: string;
let answer: () => { ok: true; data: unknown } | { ok: false; error: unknown };
const asked: Record<string, unknown>[] = [];

beforeAll(async () => {
  nats = await startPrivateNats();
  bus = await NatsBus.connect({ servers: nats.url, name: 'gateway-spec', credentials: natsCredentials(nats) });
  comparator = await NatsBus.connect({ servers: nats.url, name: 'comparator-spec', credentials: natsCredentials(nats) });
  const sub = comparator.nc.subscribe(ComparatorRpc.fleetDrift.subject);
  void (async () => {
    for await (const msg of sub) {
      asked.push(JSON.parse(decoder.decode(msg.data)) as Record<string, unknown>);
      msg.respond(encoder.encode(JSON.stringify(answer())));
    }
  })();
  @Module({
    imports: [MessagingModule.forRoot({ bus, requestTimeoutMs: 2000, service: 'gateway' })],
    controllers: [DriftController],
    providers: [
      { provide: GATEWAY_CONFIG, useValue: { TARGET_REQUEST_TIMEOUT: 2000 } as GatewayConfig },
      { provide: APP_FILTER, useClass: HttpExceptionFilter },
      { provide: APP_INTERCEPTOR, useClass: StrictQueryInterceptor },
    ],
  })
  class SpecModule {}
  app = await NestFactory.create(SpecModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await comparator?.drain();
  await nats?.stop();
});

beforeEach(() => {
  asked.length = 0;
  answer = () => ({ ok: true, data: PAGE });
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /drift', () => {
  it('passes the filters and the cursor on, with the default page size, and answers the page', async () => {
    expect(await get('/drift')).toEqual({ status: 200, body: PAGE });
    expect(await get(`/drift?project_id=${PROJECT_ID}&state=drifted&after=${DATABASE_ID}&limit=2`)).toMatchObject({ status: 200 });
    expect(asked).toEqual([{ limit: 50 }, { project_id: PROJECT_ID, state: 'drifted', after: DATABASE_ID, limit: 2 }]);
  });

  it.each([
    ['an unknown parameter', 'page=2', 'page'],
    ['a state it does not know (never compared databases are listed by the registry)', 'state=never_compared', 'state'],
    ['a project id that is not one', 'project_id=p1', 'project_id'],
    ['a cursor that is not a database id', 'after=zzz', 'after'],
    ['a page of none', 'limit=0', 'limit'],
    ['a page beyond the largest', 'limit=101', 'limit'],
  ])('answers 400 naming the field for %s, and asks nothing', async (_what, query, field) => {
    const res = await get(`/drift?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
    expect(asked).toEqual([]);
  });

  it("passes the comparator's 404 for a project the caller does not see", async () => {
    answer = () => ({ ok: false, error: { code: ErrorCode.notFound, message: 'project not found' } });
    expect(await get(`/drift?project_id=${PROJECT_ID}`)).toMatchObject({ status: 404, body: { message: 'project not found' } });
  });
});
