import { BusClient, PermanentFailure, requirePrincipal } from '@ir/messaging';
import { TargetPool, UriCipher, type TargetDb } from '@ir/target-pool';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SyncPlanner } from './sync-planner';
import { blockerOf, continuesStartedChange, endStatusOf, failureSummary, isLaterStepOfChange, skippedBeforeRun } from './step-outcomes';
import { isBatchableCreate } from './plan-step';
import { StepRunner, type StepResult } from './step-runner';
import { describeError } from './sync-error';
import { SyncLocks } from './sync-locks';
import { syncOperations, syncStepDuration } from './sync-metrics';
import { isTerminal, stepsOf, type StoredStep } from './sync.model';
import { LockLost, SyncRunBooks, type Run } from './sync-run';
import { SyncRepository } from './sync.repository';
import { SyncTargets, type OpenedTarget } from './sync-targets';
import { RUN_MAX_DELIVER, SYNC_SETTINGS, type SyncSettings } from './sync-settings';
import { numberRanges, operationOf } from './sync-view';

/** How often a running sync looks whether someone asked to cancel it. */
const CANCEL_POLL_MS = 1000;

/** What the executor needs of the JetStream delivery (a `BusContext`). */
export interface Delivery {
  getDeliveryCount(): number;
  working(): void;
}

/**
 * Runs a sync: the plan taken from the comparator when the sync first starts, then each step not yet
 * done, in order, recording every step. A run command delivered again (after a crash) resumes where the
 * record says; steps already done are not done again, and a step cut short is re-run idempotently.
 */
@Injectable()
export class SyncExecutor {
  private readonly logger = new Logger(SyncExecutor.name);
  private readonly books: SyncRunBooks;
  private readonly planner: SyncPlanner;
  private readonly runner: StepRunner;
  private readonly targets: SyncTargets;

  constructor(
    private readonly syncs: SyncRepository,
    locks: SyncLocks,
    bus: BusClient,
    pool: TargetPool,
    cipher: UriCipher,
    @Inject(SYNC_SETTINGS) private readonly settings: SyncSettings,
  ) {
    this.books = new SyncRunBooks(syncs, locks, bus, settings);
    this.planner = new SyncPlanner(bus, settings);
    this.targets = new SyncTargets(bus, cipher, pool, settings);
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
    const now = new Date();
    // A fresh sync is started as it is read; any other (resumed, ended, awaiting approval) is read, and `runSync` decides.
    const claimed = await this.syncs.claimPending(requirePrincipal(), command.sync_id, now);
    const doc = claimed ?? (await this.syncs.findVisible(requirePrincipal(), command.sync_id));
    if (!doc) throw new PermanentFailure(`sync ${command.sync_id} does not exist`);
    if (isTerminal(doc.status)) return;
    const run: Run = {
      id: command.sync_id,
      databaseId: doc.database_id,
      doc,
      steps: stepsOf(doc),
      startedAt: claimed ? now : doc.started_at ? new Date(doc.started_at) : now,
      lastRefresh: 0,
      lastSaved: Date.now(),
      lastPublished: Date.now(),
      lockLost: false,
      cancel: new AbortController(),
    };
    if (doc.cancellation) run.cancel.abort();
    const keeper = setInterval(() => void this.books.refreshLock(run), Math.max(1000, Math.floor(this.settings.lockTtlMs / 3)));
    keeper.unref();
    const cancelWatch = setInterval(() => void this.watchCancel(run), CANCEL_POLL_MS);
    cancelWatch.unref();
    try {
      await this.runSync(run, claimed !== null);
    } catch (error) {
      // Progress still being written lands before anything below, or another delivery, writes the record.
      await this.books.settled(run);
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
        await this.books.finish(run, 'failed', `${describeError(error)} (gave up after ${delivery?.getDeliveryCount() ?? 1} deliveries)`);
      }
      throw error;
    } finally {
      clearInterval(keeper);
      clearInterval(cancelWatch);
    }
  }

  private async watchCancel(run: Run): Promise<void> {
    if (run.cancel.signal.aborted) return;
    try {
      if (await this.syncs.cancellationOf(run.id)) run.cancel.abort();
    } catch (error) {
      this.logger.warn(`could not look whether sync ${run.id} is cancelled: ${describeError(error)}`);
    }
  }

  /** `claimed`: the sync was pending and is now running (`claimPending`); otherwise it is marked running here, if it may run. */
  private async runSync(run: Run, claimed: boolean): Promise<void> {
    if (!claimed && !(await this.syncs.markRunning(run.id, run.startedAt))) return;
    // Taking the lock for the run, telling the start (once the lock is held), asking for the target's
    // connection and planning need nothing of each other: they go at once, and the first step waits
    // for all of them (a sync paid them one after the other). The plan is stored once the lock is held.
    const locking = this.books.refreshLock(run, true);
    locking.catch(() => undefined);
    const opening = run.doc.dry_run ? undefined : this.targets.open(run.id, run.databaseId);
    opening?.catch(() => undefined);
    const planning = !run.doc.planned_at && !run.cancel.signal.aborted ? this.planner.plan(run) : undefined;
    planning?.catch(() => undefined);
    await locking;
    await this.books.announceStart(run);
    if (planning) {
      const problem = await planning;
      if (run.lockLost) throw new LockLost();
      if (problem === undefined) this.books.savePlan(run);
      else await this.failIfUnplanned(run, problem);
    }
    if (run.lockLost) throw new LockLost();
    if (run.doc.status === 'failed') return;

    if (run.doc.dry_run) {
      const now = new Date();
      run.steps = run.steps.map((s) => (s.status === 'pending' ? { ...s, status: 'skipped', note: dryRunNote(s), completed_at: now } : s));
      for (const step of run.steps) syncOperations.inc({ kind: operationOf(step).kind, result: 'skipped' });
      await this.books.finish(run, 'completed', null);
      return;
    }

    let db: TargetDb | undefined;
    for (let next = 0; next < run.steps.length;) {
      if (run.lockLost) throw new LockLost();
      const halted = run.cancel.signal.aborted || run.stoppedBy !== undefined;
      // After a cancel or a stop, only a change already begun is finished (never when the target is away).
      const finishing = halted && !run.stoppedBy?.targetAway && continuesStartedChange(run.steps, next);
      if (isSettled(run.steps[next]) || (halted && !finishing)) {
        next += 1;
        continue;
      }
      const skipped = skippedBeforeRun(run.steps, next, new Date());
      if (skipped) {
        run.steps[next] = skipped;
        syncOperations.inc({ kind: operationOf(skipped).kind, result: 'skipped' });
        next += 1;
        continue;
      }
      db ??= await this.openTarget(run, opening ?? this.targets.open(run.id, run.databaseId));
      if (!db) return;
      const group = halted ? [run.steps[next]] : groupAt(run.steps, next);
      await this.runSteps(run, db, next, group);
      next += group.length;
    }
    this.markNotRun(run);
    if (run.cancel.signal.aborted) {
      const cancellation = await this.syncs.cancellationOf(run.id).catch(() => undefined);
      const by = cancellation ? ` by ${cancellation.by.name ?? cancellation.by.id}` : '';
      await this.books.finish(run, 'cancelled', `cancelled${by}; ${failureSummary(run.steps)}`);
      return;
    }
    const status = endStatusOf(run.steps);
    await this.books.finish(run, status, status === 'completed' ? null : failureSummary(run.steps, run.stoppedBy?.why));
  }

  /** After a cancel or a stop: the steps never run say so (a retry runs them). */
  private markNotRun(run: Run): void {
    const note = run.cancel.signal.aborted
      ? 'cancelled before it ran'
      : run.stoppedBy
        ? `not run: the sync stopped after step ${run.stoppedBy.step.number} failed (${run.stoppedBy.why})`
        : undefined;
    if (!note) return;
    run.steps = run.steps.map((s) => (isSettled(s) ? s : { ...s, status: 'not_run', note }));
  }

  /** After asking the comparator for the plan (`SyncPlanner`): a plan that cannot be had fails the sync. */
  private async failIfUnplanned(run: Run, problem: string): Promise<void> {
    await this.books.finish(run, 'failed', problem);
    run.doc = { ...run.doc, status: 'failed' };
  }

  /** The target's database, or undefined when the sync has been failed because it cannot be had. */
  private async openTarget(run: Run, opening: Promise<OpenedTarget>): Promise<TargetDb | undefined> {
    const opened = await opening;
    if ('db' in opened) return opened.db;
    await this.books.finish(run, 'failed', failureSummary(run.steps, opened.problem));
    return undefined;
  }

  /** Runs one step, or creates on one collection together (`group`, the steps from `start` on), and records each outcome. */
  private async runSteps(run: Run, db: TargetDb, start: number, group: readonly StoredStep[]): Promise<void> {
    const startedAt = new Date();
    group.forEach((step, i) => (run.steps[start + i] = { ...step, status: 'running', started_at: startedAt }));

    const ops = group.map(operationOf);
    // Never tried, as far as the record knows; a step tried but not yet recorded is still safe to send
    // unchecked, because an identical create is a no-op on the server.
    const fresh = group.every((step) => step.status === 'pending' && (step.attempts ?? 0) === 0);
    // A step that finishes a change already begun is not stopped mid-build by a cancel.
    const signal = group.length === 1 && continuesStartedChange(run.steps, start) ? undefined : run.cancel.signal;
    const options = { fresh, signal, stopAtFailure: run.doc.options?.on_error === 'stop' };
    const { results, together } =
      group.length === 1
        ? { results: [await this.runner.run(db, ops[0], options)], together: false }
        : await this.runner.runCreates(db, ops, options);
    const completedAt = new Date();
    syncStepDuration.observe({ kind: ops[0].kind }, (completedAt.getTime() - startedAt.getTime()) / 1000);
    const builtTogether = together && group.length > 1 && results.every((r) => r.status === 'done');
    const shared = builtTogether ? `one createIndexes with steps ${numberRanges(group.map((s) => s.number))}` : undefined;
    group.forEach((step, i) => {
      const result: StepResult = results[i];
      run.steps[start + i] = {
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
    if (failed >= 0) {
      const step = run.steps[start + failed];
      if (results[failed].targetAway) run.stoppedBy = { step, why: 'the target could not be reached', targetAway: true };
      else if (run.doc.options?.on_error === 'stop') run.stoppedBy ??= { step, why: 'on_error: stop', targetAway: false };
    }
    this.books.afterStep(run);
  }
}

/** A step that ended in an earlier delivery or was settled before it ran. */
function isSettled(step: StoredStep): boolean {
  return step.status === 'done' || step.status === 'skipped' || step.status === 'failed' || step.status === 'not_run';
}

/**
 * The steps run next: one step, or the run of creates on one collection that starts here, which
 * share one createIndexes command (`StepRunner.runCreates`); a step that is to be skipped ends the run.
 */
function groupAt(steps: readonly StoredStep[], start: number): StoredStep[] {
  const first = operationOf(steps[start]);
  if (!isBatchableCreate(first) || isLaterStepOfChange(steps, start)) return [steps[start]];
  let end = start + 1;
  while (end < steps.length) {
    const op = operationOf(steps[end]);
    if (isSettled(steps[end]) || op.unsupported || !isBatchableCreate(op) || op.collection !== first.collection) break;
    // A later step of a change runs alone: it may have to run on after a cancel, unstopped.
    if (blockerOf(steps, end) || isLaterStepOfChange(steps, end)) break;
    end += 1;
  }
  return steps.slice(start, end);
}

function dryRunNote(step: StoredStep): string {
  const { unsupported } = operationOf(step);
  return unsupported ? `dry run; unsupported, a sync skips it: ${unsupported}` : 'dry run';
}
