/**
 * The source no longer has the history after the saved position: a change stream's resume point fell
 * off the oplog (MongoDB's ChangeStreamHistoryLost), or FerretDB's capped oplog dropped entries after
 * it. What happened meanwhile cannot be read; the capture starts listening anew and rebuilds every
 * entity (SourceCapture).
 */
export class SourceHistoryLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceHistoryLost';
  }
}

/** MongoDB's ChangeStreamHistoryLost (4.4+). */
const CHANGE_STREAM_HISTORY_LOST = 286;
/** MongoDB's ChangeStreamFatalError, with which servers before 4.4 (and mongos) say the same. */
const CHANGE_STREAM_FATAL = 280;
const RESUME_POINT_GONE = /resume point may no longer be in the oplog|resume token was not found/i;

/**
 * Whether a change stream's error says its resume point is gone (documented shapes: code 286
 * `ChangeStreamHistoryLost`; code 280 `ChangeStreamFatalError` with "the resume point may no longer be in
 * the oplog" or "the resume token was not found"). Any other error is a failure to retry.
 */
export function isChangeStreamHistoryLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, codeName, message } = error as { code?: unknown; codeName?: unknown; message?: unknown };
  if (code === CHANGE_STREAM_HISTORY_LOST || codeName === 'ChangeStreamHistoryLost') return true;
  return (
    (code === CHANGE_STREAM_FATAL || codeName === 'ChangeStreamFatalError') &&
    typeof message === 'string' &&
    RESUME_POINT_GONE.test(message)
  );
}
