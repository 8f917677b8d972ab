import { CapturePosition, OplogManyBody, RefreshQuery, UpdateEntityBody } from './entity-services';

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

  it('a refresh on request is hard (the default); soft is refused naming the schedule', () => {
    expect(RefreshQuery.parse({})).toEqual({ mode: 'hard' });
    expect(issues(RefreshQuery.safeParse({ mode: 'soft' }))).toEqual([expect.stringMatching(/^mode: .*refresh_interval_seconds/)]);
  });

  it("a capture position is an oplog timestamp or a change stream's resume token, nothing else", () => {
    expect(CapturePosition.safeParse({ t: 1, i: 2 }).success).toBe(true);
    expect(CapturePosition.safeParse({ _data: '8264' }).success).toBe(true);
    expect(CapturePosition.safeParse({ t: 1, i: 2, _data: 'x' }).success).toBe(false);
    expect(CapturePosition.safeParse({ _data: '' }).success).toBe(false);
  });
});
