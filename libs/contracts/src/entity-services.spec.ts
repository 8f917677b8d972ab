import { CapturePosition, EntityInternalRpc, OplogManyBody, RefreshQuery, UpdateEntityBody } from './entity-services';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('entity service contracts', () => {
  it('an oplog id that is not a number is refused naming it, never thrown (found by the fuzz suite: a 500)', () => {
    for (const after of ['x', '-1', '1.5', '', '01', '9223372036854775808', '99999999999999999999']) {
      const result = OplogManyBody.safeParse({ entities: ['people'], after, limit: 10 });
      expect({ after, fields: result.error?.issues.map((issue) => issue.path.join('.')) }).toEqual({ after, fields: ['after'] });
    }
    expect(OplogManyBody.parse({ entities: ['people'], after: '9223372036854775807', limit: 10 }).after).toBe('9223372036854775807');
  });

  it('an update changes the shape, the refresh interval (null removes it), or both; nothing is refused', () => {
    expect(UpdateEntityBody.safeParse({ refresh_interval_seconds: 3600 }).success).toBe(true);
    expect(UpdateEntityBody.safeParse({ refresh_interval_seconds: null }).success).toBe(true);
    expect(issues(UpdateEntityBody.safeParse({}))).toEqual([': must change columns or refresh_interval_seconds']);
    expect(issues(UpdateEntityBody.safeParse({ refresh_interval_seconds: 0 }))).toEqual([
      'refresh_interval_seconds: must be at least 60 seconds',
    ]);
    expect(issues(UpdateEntityBody.safeParse({ refresh_interval_seconds: 90.5 }))).toEqual([
      'refresh_interval_seconds: must be a whole number of seconds',
    ]);
  });

  it('a refresh on request is hard by default or soft; another mode is refused naming the field', () => {
    expect(RefreshQuery.parse({})).toEqual({ mode: 'hard' });
    expect(RefreshQuery.parse({ mode: 'soft' })).toEqual({ mode: 'soft' });
    expect(issues(RefreshQuery.safeParse({ mode: 'gentle' }))).toEqual(["mode: must be 'hard' or 'soft'"]);
    expect(issues(RefreshQuery.safeParse({ mode: 'soft', now: 'yes' }))).toEqual([expect.stringMatching(/now/)]);
  });

  it("the capture acknowledges a soft refresh by the request's own time, an ISO 8601 date-time", () => {
    const done = EntityInternalRpc.softRefreshDone.request;
    expect(done.safeParse({ epoch: 1, entity: 'people', requested_at: '2026-12-02T06:30:00.123Z' }).success).toBe(true);
    expect(issues(done.safeParse({ epoch: 1, entity: 'people', requested_at: 'yesterday' }))).toEqual([
      expect.stringMatching(/^requested_at: /),
    ]);
    expect(issues(done.safeParse({ epoch: 0, entity: 'people', requested_at: '2026-12-02T06:30:00Z' }))).toEqual([
      expect.stringMatching(/^epoch: /),
    ]);
  });

  it("a capture position is an oplog timestamp or a change stream's resume token, nothing else", () => {
    expect(CapturePosition.safeParse({ t: 1, i: 2 }).success).toBe(true);
    expect(CapturePosition.safeParse({ _data: '8264' }).success).toBe(true);
    expect(CapturePosition.safeParse({ t: 1, i: 2, _data: 'x' }).success).toBe(false);
    expect(CapturePosition.safeParse({ _data: '' }).success).toBe(false);
  });
});
