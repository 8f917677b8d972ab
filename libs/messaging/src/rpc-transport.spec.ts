// Request/reply over the JetStream transport against a real, private nats-server.
import { defineRpc, DomainError, ErrorCode, type Principal } from '@ir/contracts';
import { headers } from '@nats-io/transport-node';
import { currentRequestContext, metricsRegistry, runWithRequestContext, setupTracing, shutdownTracing } from '@ir/platform';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { BusContext } from './bus-context';
import { RpcHandler } from './handler-options';
import { currentPrincipal, requirePrincipal, runAs } from './principal-context';
import type { NatsBus } from './nats-bus';
import {
  client,
  connectBus,
  sleep,
  startPrivateNats,
  startService,
  waitFor,
  type PrivateNats,
  type ServiceHandle,
} from './testing/bus-harness';

jest.setTimeout(20_000);

const Echo = defineRpc(
  'test.rpc.thing.echo',
  z.object({ text: z.string().min(1), times: z.number().int().positive().default(1) }).strict(),
  z.object({ echoed: z.string(), instance: z.string() }),
);
// The handler answers something its own contract does not allow.
const Broken = defineRpc('test.rpc.thing.broken', z.object({}), z.object({ count: z.number() }));
const Conflict = defineRpc('test.rpc.thing.conflict', z.object({}), z.object({}));
const Crash = defineRpc('test.rpc.thing.crash', z.object({}), z.object({}));
const Slow = defineRpc('test.rpc.thing.slow', z.object({ ms: z.number() }), z.object({ done: z.literal(true) }));
const Nobody = defineRpc('test.rpc.thing.nobody', z.object({}), z.object({}));
const Whoami = defineRpc(
  'test.rpc.thing.whoami',
  z.object({}),
  z.object({ correlationId: z.string(), alsCorrelationId: z.string().optional(), traceId: z.string().optional() }),
);

const WhoCalls = defineRpc('test.rpc.thing.who-calls', z.object({}), z.object({ principal: z.unknown() }));

interface Calls {
  echo: { data: unknown; instance: string }[];
  slowStarted: number;
  slowFinished: number;
}

/** A controller class per replica, so each knows its instance name. */
function thingController(instance: string, calls: Calls) {
  @Controller()
  class ThingController {
    @RpcHandler(Echo)
    echo(@Payload() data: z.output<typeof Echo.request>) {
      calls.echo.push({ data, instance });
      return { echoed: data.text.repeat(data.times), instance };
    }

    @RpcHandler(Broken)
    broken() {
      return { count: 'not a number' };
    }

    @RpcHandler(Conflict)
    conflict(): never {
      throw new DomainError(ErrorCode.conflict, 'thing already exists', [{ field: 'name', rule: 'unique', message: 'taken' }], {
        existing: 'thing-1',
      });
    }

    @RpcHandler(Crash)
    async crash(): Promise<never> {
      await sleep(1);
      throw new Error('db password=hunter2 at /secret/path');
    }

    @RpcHandler(Slow)
    async slow(@Payload() data: { ms: number }) {
      calls.slowStarted++;
      await sleep(data.ms);
      calls.slowFinished++;
      return { done: true as const };
    }

    @RpcHandler(WhoCalls)
    whoCalls() {
      // The handler runs acting for the caller the request named; its own requests would pass it on.
      return { principal: currentPrincipal() ?? null };
    }

    @RpcHandler(Whoami)
    whoami(@Payload() _data: unknown, @Ctx() ctx: BusContext) {
      return {
        correlationId: ctx.getCorrelationId(),
        alsCorrelationId: currentRequestContext()?.correlationId,
        traceId: trace.getActiveSpan()?.spanContext().traceId,
      };
    }
  }
  return ThingController;
}

describe('JetStream transport: request/reply', () => {
  let nats: PrivateNats;
  let callerBus: NatsBus;
  let calls: Calls;
  let serviceA: ServiceHandle;

  beforeAll(async () => {
    setupTracing('test');
    nats = await startPrivateNats();
    callerBus = await connectBus(nats, 'caller');
  });

  beforeEach(async () => {
    calls = { echo: [], slowStarted: 0, slowFinished: 0 };
    serviceA = await startService(nats, { service: 'things', controllers: [thingController('a', calls)] });
  });

  afterEach(async () => {
    await serviceA?.close();
  });

  afterAll(async () => {
    await callerBus?.drain();
    await nats?.stop();
    await shutdownTracing();
  });

  it('answers a valid request with the handler result, after parsing it with the contract', async () => {
    const answer = await client(callerBus).request(Echo, { text: 'ab', times: 3 });
    expect(answer).toEqual({ echoed: 'ababab', instance: 'a' });
    // The handler got the parsed request, with the schema default applied.
    await expect(client(callerBus).request(Echo, { text: 'x' })).resolves.toEqual({ echoed: 'x', instance: 'a' });
    expect(calls.echo.map((c) => c.data)).toEqual([
      { text: 'ab', times: 3 },
      { text: 'x', times: 1 },
    ]);
  });

  it('requestJson hands over the answer as JSON bytes, and rejects as request does', async () => {
    const answer = await client(callerBus).requestJson(Echo, { text: 'ab', times: 2 });
    expect(answer.gzip).toBe(false);
    expect(JSON.parse(answer.bytes.toString('utf8'))).toEqual({ echoed: 'abab', instance: 'a' });
    await expect(client(callerBus).requestJson(Conflict, {})).rejects.toMatchObject({
      code: ErrorCode.conflict,
      message: 'thing already exists',
    });
    await expect(client(callerBus).requestJson(Nobody, {})).rejects.toMatchObject({ code: ErrorCode.unavailable });
  });

  it('carries a large answer gzipped: request unzips it, requestJson hands it over as it came', async () => {
    const text = 'index-registry '.repeat(100);
    const answer = await client(callerBus).request(Echo, { text, times: 100 });
    expect(answer).toEqual({ echoed: text.repeat(100), instance: 'a' });
    const json = await client(callerBus).requestJson(Echo, { text, times: 100 });
    expect(json.gzip).toBe(true);
    expect(json.bytes.length).toBeLessThan(10_000);
    expect(JSON.parse(gunzipSync(json.bytes).toString('utf8'))).toEqual({ echoed: text.repeat(100), instance: 'a' });
    const passedOnPlain = await client(callerBus).requestJson(Echo, { text, times: 100 }, { gzip: false });
    expect(passedOnPlain.gzip).toBe(false);
    expect(JSON.parse(passedOnPlain.bytes.toString('utf8'))).toEqual({ echoed: text.repeat(100), instance: 'a' });
    // A caller that does not say it unzips (nats req, an older client) gets the plain envelope.
    const plain = await callerBus.nc.request(Echo.subject, JSON.stringify({ text, times: 100 }), { timeout: 5_000 });
    expect(plain.headers?.get('Content-Encoding') ?? '').toBe('');
    expect(JSON.parse(new TextDecoder().decode(plain.data))).toEqual({ ok: true, data: { echoed: text.repeat(100), instance: 'a' } });
  });

  it('rejects an invalid request with VALIDATION_FAILED and field issues, without calling the handler', async () => {
    const error = await client(callerBus)
      .request(Echo, { text: '', times: 0, extra: true } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe(ErrorCode.validation);
    expect(domain.message).toMatch(/^invalid request: /);
    expect(domain.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'text', rule: 'too_small' }),
        expect.objectContaining({ field: 'times', rule: 'too_small' }),
        expect.objectContaining({ field: 'extra', rule: 'unknown_field' }),
      ]),
    );
    expect(domain.issues).toHaveLength(3);
    expect(calls.echo).toHaveLength(0);
  });

  it('refuses a null character anywhere in a request, whatever the contract allows, without calling the handler', async () => {
    const error = await client(callerBus)
      .request(Echo, { text: 'a\u0000b' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.validation);
    expect((error as DomainError).issues).toEqual([expect.objectContaining({ field: 'text', rule: 'null_character' })]);
    expect(calls.echo).toHaveLength(0);
  });

  it('rejects an answer that does not match the response contract as INTERNAL on the caller', async () => {
    const error = await client(callerBus)
      .request(Broken, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.internal, message: expect.stringContaining('does not match its contract') });
  });

  it('passes a DomainError thrown by the handler to the caller with its code, message, issues and details', async () => {
    const error = await client(callerBus)
      .request(Conflict, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: ErrorCode.conflict,
      message: 'thing already exists',
      issues: [{ field: 'name', rule: 'unique', message: 'taken' }],
      details: { existing: 'thing-1' },
    });
    // A domain error is an answer, not a fault: nothing logged as an error.
    expect(serviceA.logger.at('error')).toHaveLength(0);
  });

  it('turns any other error into INTERNAL "internal error" without leaking its message or stack, and logs it', async () => {
    const error = await client(callerBus)
      .request(Crash, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe(ErrorCode.internal);
    expect(domain.message).toBe('internal error');
    expect(domain.issues).toBeUndefined();
    expect(domain.details).toBeUndefined();
    expect(JSON.stringify(domain.toBody())).not.toMatch(/hunter2|secret|at /);
    // The detail stays in the service's log.
    const logged = serviceA.logger.at('error');
    expect(logged).toHaveLength(1);
    expect(logged[0].message).toContain('test.rpc.thing.crash');
    expect(String(logged[0].rest[0])).toContain('hunter2');
  });

  it('fails with SERVICE_UNAVAILABLE when nobody listens on the subject', async () => {
    const started = Date.now();
    const error = await client(callerBus, 5000)
      .request(Nobody, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.unavailable });
    // No responders is known at once; it does not wait out the timeout.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("names the subject's owning service when none of its instances listens, or none answers in time", async () => {
    const registryRequest = defineRpc('registry.rpc.spec.nobody', z.object({}), z.object({}));
    await expect(client(callerBus).request(registryRequest, {})).rejects.toMatchObject({
      code: ErrorCode.unavailable,
      message: 'the registry service is unavailable',
      details: { service: 'registry' },
    });
    // An instance that takes the request and never answers.
    const silent = callerBus.nc.subscribe('sync.rpc.spec.silent', { queue: 'sync-executor' });
    try {
      const syncRequest = defineRpc('sync.rpc.spec.silent', z.object({}), z.object({}));
      await expect(client(callerBus).request(syncRequest, {}, { timeoutMs: 200 })).rejects.toMatchObject({
        code: ErrorCode.timeout,
        message: 'the sync-executor service did not answer within 200 ms',
        details: { service: 'sync-executor' },
      });
    } finally {
      silent.unsubscribe();
    }
  });

  it('fails with TIMEOUT within timeoutMs when the handler is too slow', async () => {
    const started = Date.now();
    const error = await client(callerBus, 10_000)
      .request(Slow, { ms: 1500 }, { timeoutMs: 250 })
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.timeout, message: expect.stringContaining('250 ms') });
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(1200);
    // Let the handler finish before the service closes.
    await waitFor('the slow handler to finish', () => calls.slowFinished === 1);
  });

  it('times every request by subject and outcome in index_registry_bus_request_duration_seconds', async () => {
    const countOf = async (subject: string, outcome: string): Promise<number> => {
      const metric = await metricsRegistry.getSingleMetric('index_registry_bus_request_duration_seconds')!.get();
      // A histogram's values are its buckets, sum and count, each named.
      const values = metric.values as { metricName?: string; labels: Record<string, unknown>; value: number }[];
      const count = values.find((v) => v.metricName?.endsWith('_count') && v.labels.subject === subject && v.labels.outcome === outcome);
      return count?.value ?? 0;
    };
    const before = {
      answered: await countOf(Echo.subject, 'answered'),
      timeout: await countOf(Slow.subject, 'timeout'),
      unavailable: await countOf(Nobody.subject, 'unavailable'),
    };
    await client(callerBus).request(Echo, { text: 'a' });
    await client(callerBus)
      .request(Slow, { ms: 600 }, { timeoutMs: 100 })
      .catch(() => undefined);
    await client(callerBus)
      .request(Nobody, {})
      .catch(() => undefined);
    expect({
      answered: await countOf(Echo.subject, 'answered'),
      timeout: await countOf(Slow.subject, 'timeout'),
      unavailable: await countOf(Nobody.subject, 'unavailable'),
    }).toEqual({ answered: before.answered + 1, timeout: before.timeout + 1, unavailable: before.unavailable + 1 });
    await waitFor('the slow handler to finish', () => calls.slowFinished === 1);
  });

  it('shares requests between replicas of one service through the queue group, each answered once', async () => {
    const serviceB = await startService(nats, { service: 'things', controllers: [thingController('b', calls)] });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => client(callerBus).request(Echo, { text: `m${i}-` })));
      answers.forEach((answer, i) => expect(answer.echoed).toBe(`m${i}-`));
      const byInstance = { a: 0, b: 0 } as Record<string, number>;
      for (const answer of answers) byInstance[answer.instance]++;
      expect(byInstance.a).toBeGreaterThan(0);
      expect(byInstance.b).toBeGreaterThan(0);
      // Each request reached exactly one replica.
      expect(calls.echo).toHaveLength(40);
      expect(new Set(calls.echo.map((c) => (c.data as { text: string }).text)).size).toBe(40);
    } finally {
      await serviceB.close();
    }
  });

  it('carries the principal the request acts for, and no principal it cannot parse', async () => {
    const ann: Principal = { kind: 'user', id: 'u1', name: 'ann', system_admin: false, projects: { ['a'.repeat(24)]: 'editor' } };
    expect(await runAs(ann, () => client(callerBus).request(WhoCalls, {}))).toEqual({ principal: ann });
    expect(await client(callerBus).request(WhoCalls, {})).toEqual({ principal: null });
    // A header that is not a principal (forged, truncated, from an older caller) is no principal at all.
    for (const forged of ['not-base64-json', Buffer.from(JSON.stringify({ kind: 'user', id: 'x' })).toString('base64url')]) {
      const h = headers();
      h.set('x-principal', forged);
      const reply = await callerBus.nc.request(WhoCalls.subject, '{}', { timeout: 5_000, headers: h });
      expect(JSON.parse(new TextDecoder().decode(reply.data))).toEqual({ ok: true, data: { principal: null } });
    }
    expect(() => runAs(undefined, () => requirePrincipal())).toThrow(expect.objectContaining({ code: ErrorCode.unauthenticated }));
  });

  it('carries the correlation id and the trace context to the handler', async () => {
    const tracer = trace.getTracer('t');
    const { answer, traceId } = await tracer.startActiveSpan('caller', async (span) => {
      try {
        const answer = await runWithRequestContext({ correlationId: 'abc' }, () => client(callerBus).request(Whoami, {}));
        return { answer, traceId: span.spanContext().traceId };
      } finally {
        span.end();
      }
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    expect(answer).toEqual({ correlationId: 'abc', alsCorrelationId: 'abc', traceId });
  });

  it('gives a request without a correlation id a fresh one, and a new trace', async () => {
    const first = await client(callerBus).request(Whoami, {});
    const second = await client(callerBus).request(Whoami, {});
    expect(first.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.alsCorrelationId).toBe(first.correlationId);
    expect(second.correlationId).not.toBe(first.correlationId);
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(second.traceId).not.toBe(first.traceId);
  });

  it('close() stops taking requests and lets an in-flight request finish and answer', async () => {
    const inFlight = client(callerBus, 5000).request(Slow, { ms: 600 });
    await waitFor('the slow handler to start', () => calls.slowStarted === 1);
    let closed = false;
    const closing = serviceA.close().then(() => (closed = true));
    await sleep(200);
    expect(closed).toBe(false);
    await expect(inFlight).resolves.toEqual({ done: true });
    await closing;
    expect(calls.slowFinished).toBe(1);
    // Nobody answers any more.
    await expect(client(callerBus).request(Echo, { text: 'late' })).rejects.toMatchObject({ code: ErrorCode.unavailable });
  });
});
