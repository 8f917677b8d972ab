import type { PlanOperationView } from '@ir/contracts';
import {
  classifyTargetError,
  isTargetFailure,
  isTargetWide,
  isTransientTargetError,
  listIndexesOf,
  NAMESPACE_NOT_FOUND,
} from '@ir/target-pool';
import { MongoServerSelectionError, type Db } from 'mongodb';
import { CreateIndexesCommand } from './create-indexes-command';
import { createFailureKind, duplicateKeyPattern, hasKey, IndexBuildErrorCode } from './index-build-errors';
import { createSpecOf, doneWhenMet, isBatchableCreate, isThere, PlanError, refusalOf } from './plan-step';
import { describeError, syncErrorLogger } from './sync-error';

const INDEX_NOT_FOUND = IndexBuildErrorCode.IndexNotFound;

/**
 * How one step ended: `done` (applied, or found already done: then `note` says so), `skipped` (refused),
 * `failed`, or `not_run` (the sync was cancelled: the step was not sent, or its build was stopped).
 */
export interface StepResult {
  readonly status: 'done' | 'skipped' | 'failed' | 'not_run';
  readonly note?: string;
  readonly error?: string;
  /** Attempts made by this run (1 unless transient errors were retried). */
  readonly attempts: number;
  /** For `index_registry_sync_operations_total{result}`. */
  readonly result: 'applied' | 'already_done' | 'refused' | 'failed' | 'not_run';
  /** Failed because the target stayed unreachable past the retries, or cannot be worked with at all: no other step can run either. */
  readonly targetAway?: boolean;
}

export interface RunOptions {
  /** No run has tried the step(s) before: a plain create is sent without a look first. */
  readonly fresh?: boolean;
  /** Aborted when the sync is cancelled: an index build in progress is stopped where the server allows it. */
  readonly signal?: AbortSignal;
  /** `on_error: stop`: when the creates of a refused command are tried alone, none is sent after one fails. */
  readonly stopAtFailure?: boolean;
}

export interface StepRunnerOptions {
  /** `timeoutMS` of each index operation (an index build may take long; the pool's default limit is short). */
  readonly operationTimeoutMs: number;
  /** Retries after a transient error. */
  readonly retryAttempts: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one operation of a plan against a target database, idempotently: a create whose index
 * already exists, or a drop whose index is already gone, is done without doing it twice, so a
 * sync resumed after a crash ends where an uninterrupted one would. `_id_` is never dropped or hidden.
 */
export class StepRunner {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly command: CreateIndexesCommand;

  constructor(private readonly options: StepRunnerOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.command = new CreateIndexesCommand(options.operationTimeoutMs, (collection, error) =>
      syncErrorLogger.warn(`could not stop the index build on ${collection}: ${describeError(error)}`),
    );
  }

  /**
   * `fresh`: no run has tried this step before (its record says so), so the plan found the index
   * missing and a create is sent without listing the indexes first; if the server refuses it (an
   * index of that name appeared since), it is sent again after a look. A step that may have been
   * tried (after a crash or a transient error) is looked at first, so that its note says what was found.
   */
  async run(db: Db, op: PlanOperationView, { fresh = false, signal }: RunOptions = {}): Promise<StepResult> {
    const refusal = refusalOf(op);
    if (refusal) return { status: 'skipped', note: refusal, attempts: 0, result: 'refused' };
    if (signal?.aborted) return NOT_SENT;
    const outcome = await this.withRetries((attempt) => this.apply(db, op, fresh && attempt === 1, signal));
    if (outcome.ok) {
      return outcome.value
        ? { status: 'done', note: outcome.value, attempts: outcome.attempts, result: 'already_done' }
        : { status: 'done', attempts: outcome.attempts, result: 'applied' };
    }
    const kind = createFailureKind(outcome.cause);
    if (kind === 'stopped' && signal?.aborted && op.kind === 'create') return (await this.afterStop(db, [op]))[0];
    if (fresh && kind === 'spec' && isBatchableCreate(op)) return this.run(db, op, { signal });
    return failed(outcome);
  }

  /**
   * Creates on one collection (`isBatchableCreate`) as one createIndexes command: MongoDB builds
   * them in one scan of the collection, and a sync of many indexes pays one round trip per
   * collection instead of one per index. Answers one result per operation, in order.
   *
   * MongoDB builds the indexes of one command together and, when one is refused, aborts them all
   * with an error that does not say which (`createFailureKind`). So each index gets its own outcome:
   * a duplicate key names its key pattern, which blames the unique index of that key, and the others
   * are built together again; any other refused spec has each index tried alone, so each failure
   * carries the server's error for that index and the others are built. A failure of the command as a
   * whole (a time limit, the target gone past its retries) is every index's failure.
   */
  async runCreates(
    db: Db,
    ops: readonly PlanOperationView[],
    options: RunOptions = {},
  ): Promise<{ results: StepResult[]; together: boolean }> {
    const { fresh = false, signal } = options;
    if (ops.length === 1 || !ops.every((op) => isBatchableCreate(op) && op.collection === ops[0].collection)) {
      return { results: await this.runEach(db, ops, { ...options, fresh }), together: false };
    }
    if (signal?.aborted) return { results: ops.map(() => NOT_SENT), together: false };
    const collection = ops[0].collection;
    const specs = ops.map(createSpecOf);
    const outcome = await this.withRetries(async (attempt): Promise<(string | undefined)[]> => {
      if (fresh && attempt === 1) {
        const created = await this.command.send(db, collection, specs, signal);
        if (created === undefined || created === specs.length) return specs.map(() => undefined);
        if (created === 0) return specs.map(() => 'already exists');
        return specs.map(() => `the server had ${specs.length - created} of the ${specs.length} indexes of this command already`);
      }
      const existing = (await listIndexesOf(db, collection)) ?? [];
      const notes = specs.map((spec) => (isThere(existing, spec) ? 'already exists' : undefined));
      const missing = specs.filter((_, i) => notes[i] === undefined);
      if (missing.length > 0) await this.command.send(db, collection, missing, signal);
      return notes;
    });
    if (outcome.ok) {
      const results = outcome.value.map((note): StepResult =>
        note === 'already exists'
          ? { status: 'done', note, attempts: outcome.attempts, result: 'already_done' }
          : { status: 'done', ...(note ? { note } : {}), attempts: outcome.attempts, result: 'applied' },
      );
      return { results, together: true };
    }
    switch (createFailureKind(outcome.cause)) {
      case 'command':
        return { results: ops.map(() => failed(outcome)), together: true };
      case 'stopped':
        return { results: signal?.aborted ? await this.afterStop(db, ops) : ops.map(() => failed(outcome)), together: true };
      case 'spec':
        return { results: await this.blame(db, ops, outcome, options), together: false };
    }
  }

  /**
   * After a grouped create was refused for a spec: each create's own outcome (see `runCreates`). With
   * `stopAtFailure` they are tried alone in order, so that none after the first failure is sent.
   */
  private async blame(db: Db, ops: readonly PlanOperationView[], outcome: Failure, options: RunOptions): Promise<StepResult[]> {
    const alone = { ...options, fresh: false };
    const pattern = options.stopAtFailure ? undefined : duplicateKeyPattern(outcome.cause);
    const culprits = pattern ? ops.filter((op) => op.spec?.['unique'] === true && hasKey(createSpecOf(op), pattern)) : [];
    if (culprits.length !== 1) return this.runEach(db, ops, alone);
    const others = ops.filter((op) => op !== culprits[0]);
    const { results } = others.length > 0 ? await this.runCreates(db, others, alone) : { results: [] };
    return ops.map((op) => (op === culprits[0] ? failed(outcome) : results[others.indexOf(op)]));
  }

  /**
   * Each operation alone; after a cancel, a target that cannot be reached (or a failure, with
   * `stopAtFailure`) the rest are not sent.
   */
  private async runEach(db: Db, ops: readonly PlanOperationView[], options: RunOptions): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const op of ops) {
      if (results.some((r) => r.targetAway)) results.push(TARGET_AWAY);
      else if (options.stopAtFailure && results.some((r) => r.status === 'failed')) results.push(STOPPED);
      else results.push(await this.run(db, op, options));
    }
    return results;
  }

  /** After a build was stopped by a cancel: each create that got built anyway (it finished first) is done, the others were not run. */
  private async afterStop(db: Db, ops: readonly PlanOperationView[]): Promise<StepResult[]> {
    const existing = (await listIndexesOf(db, ops[0].collection).catch(() => undefined)) ?? [];
    return ops.map((op): StepResult =>
      isThere(existing, createSpecOf(op))
        ? { status: 'done', note: 'exists: the cancel did not stop it', attempts: 1, result: 'applied' }
        : { status: 'not_run', note: 'cancelled: its index build was stopped', attempts: 1, result: 'not_run' },
    );
  }

  /** Runs `work`, again after each transient error while retries are left, with exponential backoff. */
  private async withRetries<T>(work: (attempt: number) => Promise<T>): Promise<{ ok: true; value: T; attempts: number } | Failure> {
    let delay = this.options.retryInitialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return { ok: true, value: await work(attempt), attempts: attempt };
      } catch (error) {
        const transient = isTransientTargetError(error);
        if (transient && attempt <= this.options.retryAttempts) {
          this.options.onRetry?.(error, attempt, delay);
          await this.sleep(delay);
          delay = Math.min(delay * 2, this.options.retryMaxDelayMs);
          continue;
        }
        const reason = describeError(error);
        return {
          ok: false,
          error: transient ? `${reason} (transient; gave up after ${attempt} attempts)` : reason,
          cause: transient ? undefined : error,
          targetAway: transient || isTargetWideFailure(error),
          attempts: attempt,
        };
      }
    }
  }

  /** Applies the operation; answers a note when there was nothing to do. `unchecked`: a plain create is sent without a look first. */
  private async apply(db: Db, op: PlanOperationView, unchecked: boolean, signal: AbortSignal | undefined): Promise<string | undefined> {
    const collection = db.collection(op.collection);
    const timeoutMS = this.options.operationTimeoutMs;
    switch (op.kind) {
      case 'create': {
        const spec = createSpecOf(op);
        if (unchecked && isBatchableCreate(op))
          return (await this.command.send(db, op.collection, [spec], signal)) === 0 ? 'already exists' : undefined;
        const existing = (await listIndexesOf(db, op.collection)) ?? [];
        const rebuilt = doneWhenMet(existing, op.done_when);
        if (rebuilt) return rebuilt;
        if (isThere(existing, spec)) return 'already exists';
        await this.command.send(db, op.collection, [spec], signal);
        return undefined;
      }
      case 'drop': {
        if (op.done_when) {
          const rebuilt = doneWhenMet((await listIndexesOf(db, op.collection)) ?? [], op.done_when);
          if (rebuilt) return rebuilt;
        }
        try {
          await collection.dropIndex(op.index, { timeoutMS });
          return undefined;
        } catch (error) {
          const code = (error as { code?: number }).code;
          if (code === INDEX_NOT_FOUND || code === NAMESPACE_NOT_FOUND) return 'already absent';
          throw error;
        }
      }
      case 'modify':
      case 'hide': {
        const changes = op.kind === 'hide' ? { hidden: true } : (op.changes ?? {});
        if (Object.values(changes).every((value) => value === undefined)) {
          throw new PlanError(`the plan's modify of ${op.index} changes nothing`);
        }
        // collMod sets values, so running it again changes nothing: idempotent as it is.
        await db.command({ collMod: op.collection, index: { name: op.index, ...changes } }, { timeoutMS });
        return undefined;
      }
    }
  }
}

/**
 * The target cannot be worked with at all: it cannot be reached (no server selected), refuses our
 * credentials, or is not MongoDB. A server's refusal of one command is never this.
 */
function isTargetWideFailure(error: unknown): boolean {
  if (error instanceof MongoServerSelectionError) return true;
  return isTargetFailure(error) && isTargetWide(classifyTargetError(error, '').kind);
}

/** A failed attempt: `cause` is the error that ended it; `targetAway` when no other step can run either (`isTargetWideFailure`). */
interface Failure {
  readonly ok: false;
  readonly error: string;
  readonly cause: unknown;
  readonly targetAway: boolean;
  readonly attempts: number;
}

const failed = (outcome: Failure): StepResult => ({
  status: 'failed',
  error: outcome.error,
  attempts: outcome.attempts,
  result: 'failed',
  ...(outcome.targetAway ? { targetAway: true } : {}),
});

const NOT_SENT: StepResult = { status: 'not_run', note: 'cancelled before it was sent', attempts: 0, result: 'not_run' };
const STOPPED: StepResult = { status: 'not_run', note: 'not run: an earlier step failed (on_error: stop)', attempts: 0, result: 'not_run' };
const TARGET_AWAY: StepResult = { status: 'not_run', note: 'not run: the target could not be reached', attempts: 0, result: 'not_run' };
