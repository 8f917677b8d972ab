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
/**
 * MongoDB's ChangeStreamFatalError, with which servers before 4.4 (and mongos) say the same ("the resume
 * point may no longer be in the oplog", "the resume token was not found"). Whatever its text, it says the
 * stream cannot go on from its position, which is what a lost history is to the capture: the messages
 * are not read (they are not an interface), and the rebuild is the one way on that loses nothing.
 */
const CHANGE_STREAM_FATAL = 280;

/**
 * Whether a change stream's error says it cannot resume from its position (documented codes: 286
 * `ChangeStreamHistoryLost`, 280 `ChangeStreamFatalError`). Any other error is a failure to retry.
 */
export function isChangeStreamHistoryLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, codeName } = error as { code?: unknown; codeName?: unknown };
  return (
    code === CHANGE_STREAM_HISTORY_LOST ||
    codeName === 'ChangeStreamHistoryLost' ||
    code === CHANGE_STREAM_FATAL ||
    codeName === 'ChangeStreamFatalError'
  );
}
