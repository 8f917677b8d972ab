import { z } from 'zod';
import { defineEvent, defineRpc } from './bus';
import { DomainError, ErrorCode, HTTP_STATUS_BY_CODE, issuesFromZod, validationError } from './errors';
import { LoginRequest, RegisterRequest } from './auth';
import * as contracts from './index';
import { BACKEND_SERVICES, requestContextOf, serviceOfSubject } from './services';

describe('subjects', () => {
  it('accepts <context>.<kind>.<aggregate>.<verb>', () => {
    expect(defineRpc('registry.rpc.index.create', z.object({}), z.object({})).subject).toBe('registry.rpc.index.create');
    expect(defineEvent('drift.evt.database.detected', 'DRIFT_EVENTS', z.object({})).stream).toBe('DRIFT_EVENTS');
  });

  it.each([
    'registry.index.create',
    'registry.evt.index.create',
    'Registry.rpc.index.create',
    'registry.rpc.index.create.now',
    'registry.rpc.index.*',
  ])('refuses %s as an rpc subject', (subject) => expect(() => defineRpc(subject, z.object({}), z.object({}))).toThrow(/does not follow/));
});

describe('errors', () => {
  it('maps every code to one HTTP status', () => {
    expect(Object.keys(HTTP_STATUS_BY_CODE).sort()).toEqual(Object.values(ErrorCode).sort());
    expect(HTTP_STATUS_BY_CODE[ErrorCode.conflict]).toBe(409);
    expect(HTTP_STATUS_BY_CODE[ErrorCode.timeout]).toBe(504);
  });

  it('round-trips a DomainError through its body', () => {
    const error = new DomainError(ErrorCode.conflict, 'taken', [{ field: 'name', rule: 'unique', message: 'taken' }], { id: 'x' });
    const copy = DomainError.fromBody(JSON.parse(JSON.stringify(error.toBody())));
    expect(copy).toBeInstanceOf(DomainError);
    expect(copy.toBody()).toEqual(error.toBody());
  });

  it('names nested fields by dotted path and each unknown field separately', () => {
    const schema = z.strictObject({ keys: z.array(z.strictObject({ field: z.string() })) });
    const result = schema.safeParse({ keys: [{ field: 1 }], extra: true, more: 1 });
    expect(result.success).toBe(false);
    const issues = issuesFromZod(result.error!);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'keys.0.field', rule: 'invalid_type' }),
        expect.objectContaining({ field: 'extra', rule: 'unknown_field' }),
        expect.objectContaining({ field: 'more', rule: 'unknown_field' }),
      ]),
    );
    expect(validationError(result.error!).code).toBe(ErrorCode.validation);
  });
});

describe('auth payloads', () => {
  it('lower-cases the email and refuses unknown fields', () => {
    expect(RegisterRequest.parse({ email: 'A@B.io', username: 'ann', password: '123456789012' }).email).toBe('a@b.io');
    expect(RegisterRequest.safeParse({ email: 'a@b.io', username: 'ann', password: '123456789012', admin: true }).success).toBe(false);
  });

  it.each([
    [{ password: 'x' }, false],
    [{ username: 'ann', email: 'a@b.io', password: 'x' }, false],
    [{ username: 'ann', password: 'x' }, true],
    [{ login: 'a@b.io', password: 'x' }, true],
  ])('login %p is valid: %p', (body, valid) => expect(LoginRequest.safeParse(body).success).toBe(valid));
});

describe('subject owners', () => {
  /** Every contract the library exports, found in its exported groups (`AuthRpc.login`, ...). */
  const allContracts = Object.values(contracts).flatMap((value) =>
    typeof value === 'object' && value !== null
      ? Object.values(value as Record<string, unknown>).filter(
          (c): c is { kind: string; subject: string } => typeof c === 'object' && c !== null && 'subject' in c && 'kind' in c,
        )
      : [],
  );

  it('name the service of every request subject', () => {
    const rpcs = allContracts.filter((c) => c.kind === 'rpc');
    expect(rpcs.length).toBeGreaterThan(20);
    for (const { subject } of rpcs) expect({ subject, owner: serviceOfSubject(subject) }).toEqual({ subject, owner: expect.any(String) });
  });

  it('take a subject by its context: sync. is the sync-executor, drift. the comparator, bus. no one service', () => {
    expect(serviceOfSubject('sync.cmd.database.run')).toBe('sync-executor');
    expect(serviceOfSubject('drift.evt.database.detected')).toBe('comparator');
    expect(serviceOfSubject('auth.rpc.session.login')).toBe('auth');
    expect(serviceOfSubject('bus.evt.message.dead-lettered')).toBeUndefined();
    expect(serviceOfSubject('registryx.rpc.index.get')).toBeUndefined();
    expect(BACKEND_SERVICES.map(requestContextOf)).toEqual([
      'auth',
      'registry',
      'comparator',
      'sync',
      'audit',
      'entity',
      'capture',
      'replica',
    ]);
  });
});
