import { ComparatorRpc, DomainError, ErrorCode, RegistryDatabaseRpc, type PlanOperationView } from '@ir/contracts';
import { BusClient, PermanentFailure, requirePrincipal } from '@ir/messaging';
import { TargetPool, UriCipher, isTransientTargetError, mayPass, type TargetDb } from '@ir/target-pool';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plannedSteps } from './planned-steps';
import { StepRunner, describeError, isBatchableCreate, type StepResult } from './step-runner';
import { SyncAudit } from './sync-audit';
import { SyncEventPublisher, type SyncEventKind } from './sync-events';
import { SyncLocks } from './sync-locks';
import { syncDuration, syncFailures, syncOperations } from './sync-metrics';
import { isTerminal, stepsOf, type StoredStep, type SyncDocument, type SyncStatus } from './sync.model';
import { SyncRepository } from './sync.repository';
import { RUN_MAX_DELIVER, SYNC_SETTINGS, type SyncSettings } from './sync-settings';
import { numberRanges, operationOf, progressOf } from './sync-view';

/** What the executor needs of the JetStream delivery (a `BusContext`). */
export interface Delivery {
  getDeliveryCount(): number;
  working(): void;
}

/** The lock was taken over while this executor ran the sync: whoever took it has already failed the sync. */
class LockLost extends Error {}

/**
 * Errors of the bus worth another delivery: the other service is slow, absent, or cannot reach the
 * target right now. A target that is not MongoDB, refused by policy or refusing our credentials
 * will answer the same way on every delivery: the sync fails at once.
 */
const TRANSIENT_BUS_CODES: ReadonlySet<string> = new Set([ErrorCode.timeout, ErrorCode.unavailable, ErrorCode.badGateway]);
const isTransientBusError = (error: unknown): boolean =>
  !(error instanceof DomainError) ||
  ((TRANSIENT_BUS_CODES.has(error.code) || error.code === ErrorCode.internal) && mayPass(error.details?.['reason']));

/** A sync being run: the record as this executor last wrote it. */
interface Run {
  readonly id: string;
  readonly databaseId: string;
  doc: SyncDocument;
  steps: StoredStep[];
  startedAt: Date;
  lastRefresh: number;
  /** When the steps were last written to the sync's record. */
  lastSaved: number;
  /** When progress was last published. */
  lastPublished: number;
  lockLost: boolean;
}

/**
 * Step results are written at most this often, and always at the end: the
 * record holds every step, and rewriting it after every step made a sync of
 * hundreds of small steps mostly bookkeeping. A crash loses at most this much
 * record; the resumed run finds those steps already done on the target.
 */
const SAVE_INTERVAL_MS = 1000;
/** Progress events, small and cheap, keep a progress bar moving between writes of the record. */
const PUBLISH_INTERVAL_MS = 250;

/**
 * Runs a sync: the plan taken from the comparator when the sync first starts, then each step not yet
 * done, in order, recording every step. A run command delivered again (after a crash) resumes where the
 * record says; steps already done are not done again, and a step cut short is re-run idempotently.
 */
@Injectable()
export class SyncExecutor {
  private readonly logger = new Logger(SyncExecutor.name);
  private readonly events: SyncEventPublisher;
  private readonly audit: SyncAudit;
  private readonly runner: StepRunner;

  constructor(
    private readonly syncs: SyncRepository,
    private readonly locks: SyncLocks,
    private readonly bus: BusClient,
    private readonly pool: TargetPool,
    private readonly cipher: UriCipher,
    @Inject(SYNC_SETTINGS) private readonly settings: SyncSettings,
  ) {
    this.events = new SyncEventPublisher(bus);
    this.audit = new SyncAudit(bus);
    this.runner = new StepRunner({
      operationTimeoutMs: settings.operationTimeoutMs,
      retryAttempts: settings.retryAttempts,
      retryInitialDelayMs: settings.retryInitialDelayMs,
      retryMaxDelayMs: settings.retryMaxDelayMs,
      onRetry: (error, attempt, delay) =>
        this.logger.warn(`transient error on attempt ${attempt} of a step, retrying in ${delay} ms: ${describeError(error)}`),
    });
  }

  /** Handles one delivery of a run command. Throws to have it delivered again (transient trouble). */
  async execute(command: { sync_id: string; database_id: string }, delivery?: Delivery): Promise<void> {
    const doc = await this.syncs.findVisible(requirePrincipal(), command.sync_id);
    if (!doc) throw new PermanentFailure(`sync ${command.sync_id} does not exist`);
    if (isTerminal(doc.status)) return;
    const run: Run = {
      id: command.sync_id,
      databaseId: doc.database_id,
      doc,
      steps: stepsOf(doc),
      startedAt: doc.started_at ? new Date(doc.started_at) : new Date(),
      lastRefresh: 0,
      lastSaved: Date.now(),
      lastPublished: Date.now(),
      lockLost: false,
    };
    const keeper = setInterval(() => void this.refreshLock(run), Math.max(1000, Math.floor(this.settings.lockTtlMs / 3)));
    keeper.unref();
    try {
      await this.runSync(run);
    } catch (error) {
      if (error instanceof LockLost) {
        this.logger.warn(`sync ${run.id}: its lock was taken over; stopping`);
        // Whoever took the lock over has normally failed the sync already; if not, say why it stopped.
        await this.syncs.endIfActive(run.id, {
          status: 'failed',
          error: 'stopped: its lock was taken over',
          steps: run.steps,
          completed_at: new Date(),
        });
        return;
      }
      const lastDelivery = (delivery?.getDeliveryCount() ?? 1) >= RUN_MAX_DELIVER;
      if (lastDelivery || error instanceof PermanentFailure) {
        await this.finish(run, 'failed', `${describeError(error)} (gave up after ${delivery?.getDeliveryCount() ?? 1} deliveries)`);
      }
      throw error;
    } finally {
      clearInterval(keeper);
    }
  }

  private async runSync(run: Run): Promise<void> {
    if (!(await this.syncs.markRunning(run.id, run.startedAt))) return;
    await this.refreshLock(run, true);
    await this.publish('started', run, 'running', null);
    await this.audit.started(run.doc);

    if (!run.doc.planned_at) await this.plan(run);
    if (run.lockLost) throw new LockLost();
    if (run.doc.status === 'failed') return;

    if (run.doc.dry_run) {
      const now = new Date();
      run.steps = run.steps.map((s) => (s.status === 'pending' ? { ...s, status: 'skipped', note: 'dry run', completed_at: now } : s));
      for (const step of run.steps) syncOperations.inc({ kind: operationOf(step).kind, result: 'skipped' });
      await this.finish(run, 'completed', null);
      return;
    }

    const pending = run.steps.filter((s) => s.status !== 'done' && s.status !== 'skipped');
    if (pending.length > 0) {
      const db = await this.openTarget(run);
      if (!db) return;
      for (let next = 0; next < pending.length;) {
        if (run.lockLost) throw new LockLost();
        const group = groupAt(pending, next);
        next += group.length;
        const failure = await this.runSteps(run, db, group);
        if (failure) {
          await this.finish(run, 'failed', this.failureSummary(run, failure.step, failure.error));
          return;
        }
      }
    }
    await this.finish(run, 'completed', null);
  }

  /** Asks the comparator for the plan and stores its operations as pending steps. */
  private async plan(run: Run): Promise<void> {
    let plan;
    try {
      plan = await this.bus.request(
        ComparatorRpc.plan,
        {
          database_id: run.databaseId,
          ...(run.doc.collections && run.doc.collections.length > 0 ? { collections: run.doc.collections } : {}),
          ...(run.doc.options?.include && run.doc.options.include.length > 0 ? { include: run.doc.options.include } : {}),
          hide_before_drop: run.doc.options?.hide_before_drop ?? false,
        },
        { timeoutMs: this.settings.planTimeoutMs },
      );
    } catch (error) {
      if (isTransientBusError(error)) throw error;
      await this.finish(run, 'failed', `could not plan the sync: ${describeError(error)}`);
      run.doc = { ...run.doc, status: 'failed' };
      return;
    }
    const planned = plannedSteps(plan);
    run.steps = planned.steps;
    const { warnings } = planned;
    const plannedAt = new Date();
    await this.syncs.storePlan(run.id, run.steps, warnings, plannedAt);
    run.doc = { ...run.doc, planned_at: plannedAt, warnings };
  }

  /** The target's database, or undefined when the sync has been failed because it cannot be had. */
  private async openTarget(run: Run): Promise<TargetDb | undefined> {
    let connection;
    try {
      connection = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: run.databaseId });
    } catch (error) {
      if (isTransientBusError(error)) throw error;
      await this.finish(run, 'failed', this.failureSummary(run, undefined, `the target database cannot be had: ${describeError(error)}`));
      return undefined;
    }
    let uri: string;
    try {
      uri = this.cipher.open(connection.uri_sealed);
    } catch (error) {
      // The cipher's own words (a key id, an authentication tag) are for the log.
      this.logger.error(`sync ${run.id}: the target's connection string cannot be opened: ${String(error)}`);
      await this.finish(
        run,
        'failed',
        this.failureSummary(run, undefined, "the target's connection string cannot be opened with this service's TARGET_ENCRYPTION_KEY"),
      );
      return undefined;
    }
    let delay = this.settings.retryInitialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.pool.db({ uri, dbName: connection.db_name });
      } catch (error) {
        if (isTransientTargetError(error) && attempt <= this.settings.retryAttempts) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(delay * 2, this.settings.retryMaxDelayMs);
          continue;
        }
        await this.finish(run, 'failed', this.failureSummary(run, undefined, `cannot connect to the target: ${describeError(error)}`));
        return undefined;
      }
    }
  }

  /** Runs one step, or creates on one collection together; answers the step that failed, if one did. */
  private async runSteps(run: Run, db: TargetDb, group: readonly StoredStep[]): Promise<{ step: StoredStep; error: string } | undefined> {
    const startedAt = new Date();
    const positions = group.map((step) => run.steps.findIndex((s) => s.number === step.number));
    positions.forEach((position, i) => (run.steps[position] = { ...group[i], status: 'running', started_at: startedAt }));

    const ops = group.map(operationOf);
    // Never tried, as far as the record knows; a step tried but not yet recorded is still safe to send
    // unchecked, because an identical create is a no-op on the server.
    const fresh = group.every((step) => step.status === 'pending' && (step.attempts ?? 0) === 0);
    const { results, together } =
      group.length === 1
        ? { results: [await this.runner.run(db, ops[0], { fresh })], together: false }
        : await this.runner.runCreates(db, ops, { fresh });
    const completedAt = new Date();
    const builtTogether = together && group.length > 1 && results.length === group.length && results.every((r) => r.status === 'done');
    const shared = builtTogether ? `one createIndexes with steps ${numberRanges(group.map((s) => s.number))}` : undefined;
    positions.forEach((position, i) => {
      const step = group[i];
      const result: StepResult | undefined = results[i];
      if (!result) {
        // Not reached: an earlier create of the group failed, and the sync stops there.
        run.steps[position] = step;
        return;
      }
      run.steps[position] = {
        number: step.number,
        operation: step.operation,
        status: result.status,
        attempts: (step.attempts ?? 0) + result.attempts,
        duration_ms: completedAt.getTime() - startedAt.getTime(),
        started_at: startedAt,
        completed_at: completedAt,
        ...(result.error ? { error: result.error } : {}),
        ...(result.note || shared ? { note: result.note ?? shared } : {}),
      };
      syncOperations.inc({ kind: ops[i].kind, result: result.result });
    });

    const failed = results.findIndex((r) => r.status === 'failed');
    if (failed >= 0) return { step: group[failed], error: results[failed].error ?? 'failed' };
    if (Date.now() - run.lastSaved >= SAVE_INTERVAL_MS) {
      await this.saveSteps(run);
      await this.refreshLock(run);
    }
    if (Date.now() - run.lastPublished >= PUBLISH_INTERVAL_MS) {
      run.lastPublished = Date.now();
      await this.publish('progress', run, 'running', null);
    }
    return undefined;
  }

  private async saveSteps(run: Run): Promise<void> {
    run.lastSaved = Date.now();
    await this.syncs.saveSteps(run.id, run.steps, progressOf(run.steps));
  }

  /** Extends the lock (at most once a second unless forced); notes when it was lost. */
  private async refreshLock(run: Run, force = false): Promise<void> {
    if (!force && Date.now() - run.lastRefresh < 1000) return;
    run.lastRefresh = Date.now();
    try {
      const held = await this.locks.refresh(run.databaseId, run.id, this.settings.lockTtlMs);
      if (!held) {
        run.lockLost = true;
        if (force) throw new LockLost();
      }
    } catch (error) {
      if (error instanceof LockLost) throw error;
      // MongoDB away for a moment: the lock lives on until its expiry; the next refresh tries again.
      this.logger.warn(`could not refresh the lock of sync ${run.id}: ${describeError(error)}`);
    }
  }

  /** "step 3 (create orders.x) failed: <reason>; done: 1-2; not done: 3-5". */
  private failureSummary(run: Run, failed: StoredStep | undefined, reason: string): string {
    const done = run.steps.filter((s) => s.status === 'done' || s.status === 'skipped').map((s) => s.number);
    const notDone = run.steps.filter((s) => s.status !== 'done' && s.status !== 'skipped').map((s) => s.number);
    const head = failed ? `step ${failed.number} (${labelOf(operationOf(failed))}) failed: ${reason}` : reason;
    return `${head}; done: ${numberRanges(done)}; not done: ${numberRanges(notDone)}`;
  }

  private async finish(run: Run, status: Extract<SyncStatus, 'completed' | 'failed'>, error: string | null): Promise<void> {
    const completedAt = new Date();
    const durationMs = completedAt.getTime() - run.startedAt.getTime();
    const progress = progressOf(run.steps);
    const ended = await this.syncs.endIfActive(run.id, {
      status,
      error,
      steps: run.steps,
      progress,
      completed_at: completedAt,
      duration_ms: durationMs,
    });
    await this.locks.release(run.databaseId, run.id);
    if (!ended) return;
    syncDuration.observe({ status }, durationMs / 1000);
    if (status === 'failed') {
      syncFailures.inc();
      this.logger.warn(`sync ${run.id} of database ${run.databaseId} failed: ${error}`);
    }
    await this.publish(status, run, status, error);
    await this.audit.finished(run.doc, status);
  }

  private publish(kind: SyncEventKind, run: Run, status: SyncStatus, error: string | null): Promise<void> {
    const { project_id, requested_by } = run.doc;
    return this.events.publish(kind, {
      id: run.id,
      database_id: run.databaseId,
      project_id,
      requested_by,
      status,
      error,
      steps: run.steps,
    });
  }
}

/**
 * The steps run next: one step, or the run of creates on one collection that starts here, which
 * share one createIndexes command (`StepRunner.runCreates`).
 */
function groupAt(pending: readonly StoredStep[], start: number): StoredStep[] {
  const first = operationOf(pending[start]);
  if (!isBatchableCreate(first)) return [pending[start]];
  let end = start + 1;
  while (end < pending.length) {
    const op = operationOf(pending[end]);
    if (!isBatchableCreate(op) || op.collection !== first.collection) break;
    end += 1;
  }
  return pending.slice(start, end);
}

function labelOf(op: PlanOperationView): string {
  return `${op.kind} ${op.collection}.${op.index}`;
}
