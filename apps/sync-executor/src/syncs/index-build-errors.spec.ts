import { Long, MongoNetworkError, MongoServerError } from 'mongodb';
import { createFailureKind, duplicateKeyPattern, hasKey, IndexBuildErrorCode, isBuildStopped } from './index-build-errors';

const serverError = (code: number, extra: Record<string, unknown> = {}) =>
  new MongoServerError({ ok: 0, code, codeName: 'X', errmsg: 'refused', ...extra });

describe('index build error facts', () => {
  it('sorts every known code: refused specs, stopped builds, failures of the whole command', () => {
    const kinds = Object.fromEntries(
      Object.entries(IndexBuildErrorCode).map(([name, code]) => [name, createFailureKind(serverError(code))]),
    );
    expect(kinds).toEqual({
      InternalError: 'spec',
      BadValue: 'spec',
      FailedToParse: 'spec',
      Unauthorized: 'command',
      TypeMismatch: 'spec',
      IndexNotFound: 'spec',
      MaxTimeMSExpired: 'command',
      CannotCreateIndex: 'spec',
      InvalidOptions: 'spec',
      IndexOptionsConflict: 'spec',
      IndexKeySpecsConflict: 'spec',
      CannotIndexParallelArrays: 'spec',
      InvalidIndexSpecificationOption: 'spec',
      NotImplemented: 'spec',
      IndexBuildAborted: 'stopped',
      DuplicateKey: 'spec',
      InterruptedAtShutdown: 'stopped',
      Interrupted: 'stopped',
      KeyTooLong: 'spec',
    });
    expect(isBuildStopped(serverError(276))).toBe(true);
  });

  it('takes an unknown server code for a refused spec, and an error without a code for the whole command', () => {
    expect(createFailureKind(serverError(4_000_001))).toBe('spec');
    expect(createFailureKind(new MongoNetworkError('connection reset'))).toBe('command');
    expect(createFailureKind(new TypeError('ours'))).toBe('command');
    expect(createFailureKind(undefined)).toBe('command');
  });

  it("reads a DuplicateKey's key pattern from the error or its reply, and nothing from other errors", () => {
    expect(duplicateKeyPattern(serverError(11000, { keyPattern: { 'b.x': 1 }, keyValue: { 'b.x': 3 } }))).toEqual({ 'b.x': 1 });
    const replyOnly = Object.assign(new Error('E11000'), { code: 11000, errorResponse: { keyPattern: { k: -1 } } });
    expect(duplicateKeyPattern(replyOnly)).toEqual({ k: -1 });
    expect(duplicateKeyPattern(serverError(11000))).toBeUndefined();
    expect(duplicateKeyPattern(serverError(11000, { keyPattern: [1] }))).toBeUndefined();
    expect(duplicateKeyPattern(serverError(85, { keyPattern: { k: 1 } }))).toBeUndefined();
  });

  it('matches a key pattern by its fields in order, whatever number type the server used', () => {
    const spec = { key: { a: 1, b: -1 }, name: 'a_1_b_-1' };
    expect(hasKey(spec, { a: 1.0, b: Long.fromNumber(-1) })).toBe(true);
    expect(hasKey(spec, { b: -1, a: 1 })).toBe(false);
    expect(hasKey(spec, { a: 1 })).toBe(false);
  });
});
