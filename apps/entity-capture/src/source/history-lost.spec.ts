import { MongoServerError } from 'mongodb';
import { isChangeStreamHistoryLost } from './history-lost';

// No MongoDB runs here (FerretDB 1.x has no change streams): these errors are built as the driver builds
// them from the server's reply, with the codes and messages MongoDB documents
// (https://www.mongodb.com/docs/manual/reference/error-codes/: 286 ChangeStreamHistoryLost, 280 ChangeStreamFatalError).
const serverError = (code: number, codeName: string, errmsg: string) => new MongoServerError({ ok: 0, code, codeName, errmsg });

describe('telling a change stream whose resume point is gone (documented error shapes, no server)', () => {
  it('is ChangeStreamHistoryLost (286) or ChangeStreamFatalError (280), whatever the message says', () => {
    expect(
      isChangeStreamHistoryLost(
        serverError(
          286,
          'ChangeStreamHistoryLost',
          'PlanExecutor error during aggregation :: caused by :: Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
        ),
      ),
    ).toBe(true);
    expect(
      isChangeStreamHistoryLost(
        serverError(
          280,
          'ChangeStreamFatalError',
          'resume of change stream was not possible, as the resume point may no longer be in the oplog.',
        ),
      ),
    ).toBe(true);
    expect(
      isChangeStreamHistoryLost(
        serverError(280, 'ChangeStreamFatalError', 'cannot resume stream; the resume token was not found. {_data: "82..."}'),
      ),
    ).toBe(true);
    expect(isChangeStreamHistoryLost(serverError(280, 'ChangeStreamFatalError', 'a text no version wrote'))).toBe(true);
  });

  it('is not any other error: those are failures the capture retries', () => {
    expect(isChangeStreamHistoryLost(serverError(6, 'HostUnreachable', 'connection closed'))).toBe(false);
    expect(isChangeStreamHistoryLost(new Error('resume point may no longer be in the oplog'))).toBe(false);
    expect(isChangeStreamHistoryLost(undefined)).toBe(false);
  });
});
