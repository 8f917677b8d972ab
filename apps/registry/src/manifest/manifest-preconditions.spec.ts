import { ErrorCode } from '@ir/contracts';
import { Types } from 'mongoose';
import { assertDeletionsAllowed, assertIfMatch, assertManifestIsFor } from './manifest-preconditions';

function failure(run: () => void): { code: string; message: string; issues?: unknown; details?: unknown } {
  try {
    run();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a refusal');
}

describe('assertIfMatch', () => {
  it('holds without If-Match, for *, and when a listed tag is the current version', () => {
    expect(() => assertIfMatch(undefined, 4)).not.toThrow();
    expect(() => assertIfMatch('*', 4)).not.toThrow();
    expect(() => assertIfMatch(['3', '4'], 4)).not.toThrow();
  });

  it('is a 412 with the current version when stale (or when only weak tags were sent, which arrive as none)', () => {
    for (const tags of [['3'], []]) {
      expect(failure(() => assertIfMatch(tags, 4))).toMatchObject({
        code: ErrorCode.preconditionFailed,
        details: { current_version: 4, etag: '"4"' },
      });
    }
  });
});

describe('assertManifestIsFor', () => {
  const database = { _id: new Types.ObjectId(), name: 'Shop', db_name: 'appdb' };

  it('holds without a database block, and for a block naming this database (the name in any case)', () => {
    expect(() => assertManifestIsFor(undefined, database)).not.toThrow();
    expect(() => assertManifestIsFor({ db_name: 'appdb', name: 'shop', id: database._id.toHexString() }, database)).not.toThrow();
  });

  it('is a 409 naming each field that differs', () => {
    const refusal = failure(() => assertManifestIsFor({ db_name: 'otherdb', id: new Types.ObjectId().toHexString() }, database));
    expect(refusal.code).toBe(ErrorCode.conflict);
    expect(refusal.issues).toEqual([
      expect.objectContaining({ field: 'database.db_name', rule: 'database_mismatch' }),
      expect.objectContaining({ field: 'database.id', rule: 'database_mismatch' }),
    ]);
    expect(refusal.message).toContain('"otherdb"');
  });
});

describe('assertDeletionsAllowed', () => {
  const deleted = Array.from({ length: 12 }, (_, i) => ({ collection: 'c', name: `i${i}` }));

  it('is a 409 listing every definition the manifest would delete, unless deletions are allowed', () => {
    expect(() => assertDeletionsAllowed([], false)).not.toThrow();
    expect(() => assertDeletionsAllowed(deleted, true)).not.toThrow();
    const refusal = failure(() => assertDeletionsAllowed(deleted, false));
    expect(refusal).toMatchObject({ code: ErrorCode.conflict, details: { would_delete: deleted } });
    expect(refusal.message).toContain('12 definition(s) (c.i0, c.i1');
    expect(refusal.message).toContain('and 2 more');
  });
});
