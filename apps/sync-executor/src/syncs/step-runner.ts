import { Logger } from '@nestjs/common';
import { DomainError, type PlanOperationView } from '@ir/contracts';
import { canonicalFromListIndexes, differingOptions, ID_INDEX_NAME, sameIndex, type ListIndexesEntry } from '@ir/index-core';
import { describeTargetFailure, isTargetFailure, isTransientTargetError, listIndexesOf, NAMESPACE_NOT_FOUND } from '@ir/target-pool';
import type { Db, IndexDescription } from 'mongodb';

/**
 * Refusals caused by one index spec of a command: BadValue, CannotCreateIndex, IndexOptionsConflict,
 * IndexKeySpecsConflict, InvalidIndexSpecificationOption, and a duplicate key met by a unique build.
 * Only these are worth sending the creates of a command again one by one; a time limit, an operator's
 * killOp or an aborted build would only be repeated index by index.
 */
const SPEC_ERROR_CODES: ReadonlySet<number> = new Set([2, 67, 85, 86, 197, 11000]);
const isSpecError = (error: unknown): boolean => SPEC_ERROR_CODES.has((error as { code?: number } | null)?.code ?? -1);
const INDEX_NOT_FOUND = 27;

/** How one step ended: `done` (applied, or found already done: then `note` says so), `skipped` (refused) or `failed`. */
export interface StepResult {
  readonly status: 'done' | 'skipped' | 'failed';
  readonly note?: string;
  readonly error?: string;
  /** Attempts made by this run (1 unless transient errors were retried). */
  readonly attempts: number;
  /** For `sync_operations_total{result}`. */
  readonly result: 'applied' | 'already_done' | 'refused' | 'failed';
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

  constructor(private readonly options: StepRunnerOptions) {
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * `fresh`: no run has tried this step before (its record says so), so the plan found the index
   * missing and a create is sent without listing the indexes first; if the server refuses it (an
   * index of that name appeared since), it is sent again after a look. A step that may have been
   * tried (after a crash or a transient error) is looked at first, so that its note says what was found.
   */
  async run(db: Db, op: PlanOperationView, { fresh = false }: { fresh?: boolean } = {}): Promise<StepResult> {
    const refusal = refusalOf(op);
    if (refusal) return { status: 'skipped', note: refusal, attempts: 0, result: 'refused' };
    const outcome = await this.withRetries((attempt) => this.apply(db, op, fresh && attempt === 1));
    if (!outcome.ok && fresh && outcome.specError && isBatchableCreate(op)) return this.run(db, op);
    if (!outcome.ok) return { status: 'failed', error: outcome.error, attempts: outcome.attempts, result: 'failed' };
    return outcome.value
      ? { status: 'done', note: outcome.value, attempts: outcome.attempts, result: 'already_done' }
      : { status: 'done', attempts: outcome.attempts, result: 'applied' };
  }

  /**
   * Creates on one collection (`isBatchableCreate`) as one createIndexes command: MongoDB builds
   * them in one scan of the collection, and a sync of many indexes pays one round trip per
   * collection instead of one per index. Answers one result per operation, in order, up to the first
   * failure. When the server refuses the command because of one of its specs (`SPEC_ERROR_CODES`),
   * the creates are run one by one instead, so the failure lands on the step that caused it and the
   * steps before it are done, as if they had never been put together. Any other failure (a time
   * limit, a transient error past its retries) fails the first create; the others are not tried.
   */
  async runCreates(
    db: Db,
    ops: readonly PlanOperationView[],
    { fresh = false }: { fresh?: boolean } = {},
  ): Promise<{ results: StepResult[]; together: boolean }> {
    if (ops.length === 1 || !ops.every((op) => isBatchableCreate(op) && op.collection === ops[0].collection)) {
      return { results: await this.runEach(db, ops, fresh), together: false };
    }
    const collection = ops[0].collection;
    const specs = ops.map(createSpecOf);
    const outcome = await this.withRetries(async (attempt): Promise<(string | undefined)[]> => {
      if (fresh && attempt === 1) {
        const created = await this.createIndexes(db, collection, specs);
        if (created === undefined || created === specs.length) return specs.map(() => undefined);
        if (created === 0) return specs.map(() => 'already exists');
        return specs.map(() => `the server had ${specs.length - created} of the ${specs.length} indexes of this command already`);
      }
      const existing = (await listIndexesOf(db, collection)) ?? [];
      const notes = specs.map((spec) => (isThere(existing, spec) ? 'already exists' : undefined));
      const missing = specs.filter((_, i) => notes[i] === undefined);
      if (missing.length > 0) await this.createIndexes(db, collection, missing);
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
    if (!outcome.specError) {
      return { results: [{ status: 'failed', error: outcome.error, attempts: outcome.attempts, result: 'failed' }], together: true };
    }
    // Whatever the refused command did, each create is looked at before it is sent again.
    return { results: await this.runEach(db, ops, false), together: false };
  }

  private async runEach(db: Db, ops: readonly PlanOperationView[], fresh: boolean): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const op of ops) {
      const result = await this.run(db, op, { fresh });
      results.push(result);
      if (result.status === 'failed') break;
    }
    return results;
  }

  /** Runs `work`, again after each transient error while retries are left, with exponential backoff. */
  private async withRetries<T>(
    work: (attempt: number) => Promise<T>,
  ): Promise<{ ok: true; value: T; attempts: number } | { ok: false; error: string; specError: boolean; attempts: number }> {
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
          specError: isSpecError(error),
          attempts: attempt,
        };
      }
    }
  }

  /**
   * The createIndexes command itself, for its answer: how many indexes it created (an identical
   * index that exists is left as it is), when the server says (a mongos answers per shard).
   */
  private async createIndexes(db: Db, collection: string, specs: readonly CreateSpec[]): Promise<number | undefined> {
    const reply = await db.command({ createIndexes: collection, indexes: specs }, { timeoutMS: this.options.operationTimeoutMs });
    const { numIndexesBefore: before, numIndexesAfter: after } = reply;
    return typeof before === 'number' && typeof after === 'number' ? after - before : undefined;
  }

  /** Applies the operation; answers a note when there was nothing to do. `unchecked`: a plain create is sent without a look first. */
  private async apply(db: Db, op: PlanOperationView, unchecked: boolean): Promise<string | undefined> {
    const collection = db.collection(op.collection);
    const timeoutMS = this.options.operationTimeoutMs;
    switch (op.kind) {
      case 'create': {
        const spec = createSpecOf(op);
        if (unchecked && isBatchableCreate(op))
          return (await this.createIndexes(db, op.collection, [spec])) === 0 ? 'already exists' : undefined;
        const existing = (await listIndexesOf(db, op.collection)) ?? [];
        const rebuilt = doneWhenMet(existing, op.done_when);
        if (rebuilt) return rebuilt;
        if (isThere(existing, spec)) return 'already exists';
        await this.createIndexes(db, op.collection, [spec]);
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
        if (changes.expireAfterSeconds === undefined && changes.hidden === undefined) {
          throw new PlanError(`the plan's modify of ${op.index} changes nothing`);
        }
        // collMod sets values, so running it again changes nothing: idempotent as it is.
        await db.command({ collMod: op.collection, index: { name: op.index, ...changes } }, { timeoutMS });
        return undefined;
      }
    }
  }
}

/** A step the plan should never contain. */
class PlanError extends Error {}

type CreateSpec = IndexDescription & { name: string };

function createSpecOf(op: PlanOperationView): CreateSpec {
  if (!op.spec || typeof op.spec['key'] !== 'object') throw new PlanError(`the plan's create of ${op.index} has no index spec`);
  return { ...op.spec, name: typeof op.spec['name'] === 'string' ? op.spec['name'] : op.index } as CreateSpec;
}

/** A create that can share a createIndexes command with its neighbours: a plain one, not a step of a rebuild. */
export function isBatchableCreate(op: PlanOperationView): boolean {
  return op.kind === 'create' && op.done_when === undefined && typeof op.spec?.['key'] === 'object';
}

function refusalOf(op: PlanOperationView): string | undefined {
  if (op.index !== ID_INDEX_NAME) return undefined;
  if (op.kind === 'drop' || op.kind === 'hide' || (op.kind === 'modify' && op.changes?.hidden === true)) {
    return `refused: ${ID_INDEX_NAME} is never dropped or hidden`;
  }
  return undefined;
}

/** For a step of a rebuild: the note when the index it leads to exists already (the rebuild is done). */
function doneWhenMet(existing: readonly ListIndexesEntry[], doneWhen: Record<string, unknown> | undefined): string | undefined {
  if (!doneWhen || typeof doneWhen['name'] !== 'string') return undefined;
  const target = existing.find((e) => e.name === doneWhen['name']);
  if (!target) return undefined;
  try {
    return sameIndex(canonicalFromListIndexes(target), canonicalFromListIndexes(doneWhen as ListIndexesEntry))
      ? `already rebuilt: ${target.name} exists`
      : undefined;
  } catch {
    return undefined;
  }
}

/** The server has an index of this name on this key. */
function isThere(existing: readonly ListIndexesEntry[], spec: CreateSpec): boolean {
  const same = existing.find((e) => e.name === spec.name);
  return same !== undefined && sameKey(same, spec as unknown as ListIndexesEntry);
}

function sameKey(a: ListIndexesEntry, b: ListIndexesEntry): boolean {
  try {
    const differences = differingOptions(canonicalFromListIndexes(a), canonicalFromListIndexes(b));
    return !differences.includes('key') && !differences.includes('textWeights');
  } catch {
    return JSON.stringify(a.key) === JSON.stringify(b.key);
  }
}

const logger = new Logger('SyncErrors');
const UNEXPECTED = 'unexpected error (the sync-executor log has the details)';

/**
 * What a sync record says about an error, as an operator reads it: ours (a DomainError, a plan's)
 * as they are; a target's in its category, or with its code and cleaned message when the server
 * refused the command. Anything else is a failure of our own, whose text (a TypeError, a cipher's)
 * is for the log only: the record, which callers read, gets a fixed phrase.
 */
export function describeError(error: unknown): string {
  if (error instanceof DomainError || error instanceof PlanError) return error.message;
  if (isTargetFailure(error)) return describeTargetFailure(error);
  logger.error('unexpected error in a sync', error instanceof Error ? error.stack : String(error));
  return UNEXPECTED;
}
