import { HTTP_STATUS_BY_CODE } from '@ir/contracts';
import {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoOperationTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoTopologyClosedError,
} from 'mongodb';
import { classifyTargetError, isTransientTargetError } from './classify-target-error';
import { TargetConnectionError } from './target-connection-error';

// Driver-shaped errors built with the driver's own classes. The FerretDB of the test run has no
// authentication, so a real auth failure or missing privilege cannot be produced against it.
const URI = 'mongodb://admin:s3cret@db.example.net:27017/app';

describe('classifyTargetError', () => {
  it('auth failure (code 18, constructed: test FerretDB runs without auth) → auth_failed, 502', () => {
    const error = classifyTargetError(
      new MongoServerError({ code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' }),
      URI,
    );
    expect(error.kind).toBe('auth_failed');
    const domain = error.toDomainError();
    expect(HTTP_STATUS_BY_CODE[domain.code]).toBe(502);
    expect(domain.details).toEqual({ reason: 'auth_failed' });
    expect(error.message).toContain('mongodb://admin:****@db.example.net:27017/app');
    expect(error.message).not.toContain('s3cret');
  });

  it('missing privilege (code 13, constructed: test FerretDB runs without auth) → unauthorized, 502', () => {
    const error = classifyTargetError(
      new MongoServerError({ code: 13, errmsg: 'not authorized on app to execute command { listCollections: 1 }' }),
      URI,
    );
    expect(error.kind).toBe('unauthorized');
    expect(error.toDomainError().details).toEqual({ reason: 'unauthorized' });
    // The target's own words are not repeated: they may say anything.
    expect(error.message).not.toContain('not authorized on app');
    expect(error.message).toContain('lacks the privileges needed');
  });

  it.each([
    ['MaxTimeMSExpired (code 50)', new MongoServerError({ code: 50, errmsg: 'operation exceeded time limit' }), 'timeout'],
    ['MongoOperationTimeoutError (CSOT)', new MongoOperationTimeoutError('Timed out during server selection'), 'timeout'],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('connection 3 to db.example.net:27017 timed out'), 'timeout'],
    ['MongoParseError', new MongoParseError('Invalid scheme'), 'malformed_uri'],
    ['raw DNS error (SRV lookup)', Object.assign(new Error('querySrv ENOTFOUND _mongodb._tcp.x'), { code: 'ENOTFOUND' }), 'unreachable'],
    ['other server error', new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' }), 'server_error'],
    ['client closed under the operation', new MongoTopologyClosedError(), 'server_error'],
    ['not an Error at all', 'boom', 'server_error'],
  ])('%s → %s', (_label, input, kind) => {
    expect(classifyTargetError(input, URI).kind).toBe(kind);
  });

  it('maps timeout to 504 and malformed_uri to 422 with a uri issue', () => {
    expect(HTTP_STATUS_BY_CODE[classifyTargetError(new MongoOperationTimeoutError('t'), URI).toDomainError().code]).toBe(504);
    const malformed = classifyTargetError(new MongoParseError('Invalid scheme'), URI).toDomainError();
    expect(HTTP_STATUS_BY_CODE[malformed.code]).toBe(422);
    expect(malformed.issues).toEqual([{ field: 'uri', rule: 'mongodb_uri', message: malformed.message }]);
  });

  it('passes a TargetConnectionError through and never keeps the raw driver error', () => {
    const original = new TargetConnectionError('timeout', 'mongodb://h', 'slow');
    expect(classifyTargetError(original, URI)).toBe(original);
    const wrapped = classifyTargetError(new MongoServerError({ code: 18, errmsg: `bad login for ${URI}` }), URI);
    expect(wrapped.cause).toBeUndefined();
    expect(wrapped.driverError).toEqual({ name: 'MongoServerError', code: 18 });
    expect(JSON.stringify({ ...wrapped, message: wrapped.message })).not.toContain('s3cret');
  });
});

describe('isTransientTargetError', () => {
  it.each([
    ['MongoNetworkError', new MongoNetworkError('connection reset'), true],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('socket timed out'), true],
    ...[89, 91, 189, 10107, 11600, 11602, 13435, 13436].map((code): [string, unknown, boolean] => [
      `code ${code}`,
      new MongoServerError({ code, errmsg: 'x' }),
      true,
    ]),
    ...['RetryableWriteError', 'ResetPool', 'TransientTransactionError'].map((label): [string, unknown, boolean] => [
      `label ${label}`,
      new MongoServerError({ code: 1, errmsg: 'x', errorLabels: [label] }),
      true,
    ]),
    ['client closed by eviction', new MongoTopologyClosedError(), true],
    ['auth failed (18)', new MongoServerError({ code: 18, errmsg: 'x' }), false],
    ['unauthorized (13)', new MongoServerError({ code: 13, errmsg: 'x' }), false],
    ['duplicate key (11000)', new MongoServerError({ code: 11000, errmsg: 'x' }), false],
    ['CSOT timeout', new MongoOperationTimeoutError('t'), false],
    ['parse error', new MongoParseError('p'), false],
    ['plain Error', new Error('x'), false],
    ['null', null, false],
    ['string', 'ECONNRESET', false],
  ])('%s → %s', (_label, error, expected) => {
    expect(isTransientTargetError(error)).toBe(expected);
  });

  it('remembers transience through classification', () => {
    expect(isTransientTargetError(classifyTargetError(new MongoServerError({ code: 189, errmsg: 'stepped down' }), URI))).toBe(true);
    expect(isTransientTargetError(classifyTargetError(new MongoServerError({ code: 18, errmsg: 'x' }), URI))).toBe(false);
  });
});
