import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { DomainError, ErrorCode, servicePrincipal, ServiceName } from '@ir/contracts';
import { runAs } from '@ir/messaging';
import { randomUUID } from 'node:crypto';
import type { ComparatorConfig } from '../comparator.config';
import { CompareService } from '../compare/compare.service';
import { DriftTracker } from '../drift/drift-tracker.service';
import { ForegroundWork } from './foreground-work';
import { scanClaims, scanDuration, type CompareOutcome } from '../metrics/scan-metrics';
import { RegistryClient } from '../targets/registry-client';
import { ScanLeaseRepository, type DueLease } from './scan-lease.repository';

/** A claim lasts this long past DRIFT_SCAN_LIMIT (for the release's write); then another replica may take the database. */
const CLAIM_MARGIN_MS = 60_000;
const JITTER = 0.1;
/**
 * Due leases read at once, per compare this replica runs at a time: a batch is claimed one by one as
 * workers free up. Each read goes through every lease whatever its limit (see `due`), so a larger
 * batch costs the store fewer reads per claim.
 */
const CLAIM_BATCH_PER_WORKER = 8;
/**
 * How long after its last release a replica looks for its leases written back claimed (`releaseAbandoned`):
 * the write that does it read the lease before the release, and lands within the store's operation time
 * limit (30 s). An idle replica does not look (the look reads every lease: ~50 ms at 1,000 on FerretDB).
 */
const ABANDONED_WATCH_MS = 60_000;
/** How long shutdown waits for a scan under way; one still waiting on its target is handed to another replica. */
const SHUTDOWN_WAIT_MS = 2_000;

/**
 * Scheduled drift scans. Every replica polls for due leases, reads a batch of
 * them and claims each through a unique claim document, so each database is
 * compared once per interval whatever the number of replicas; it runs up to
 * DRIFT_SCAN_CONCURRENCY compares at once, since a compare mostly waits on the
 * registry, the target and the store. Registry changes pull a database's
 * next scan forward (debounced); the known databases are re-listed from the
 * registry once per interval, so new ones get a lease and deleted ones lose it.
 */
@Injectable()
export class ScanScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScanScheduler.name);
  private readonly replica = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** The databases this replica is scanning now. */
  private readonly scanning = new Set<string>();
  private lastRefresh = 0;
  private lastReleaseAt = 0;
  private stopped = false;
  /** Per database: the lease write that registry changes arriving now will wait for. */
  private readonly nextPull = new Map<string, { started: boolean; done: Promise<void> }>();

  constructor(
    private readonly leases: ScanLeaseRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ComparatorConfig,
    private readonly registry: RegistryClient,
    private readonly compare: CompareService,
    private readonly drift: DriftTracker,
    private readonly foreground: ForegroundWork,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // Scheduled scans are the comparator's own work: they act as the comparator, across every project.
      this.running ??= runAs(servicePrincipal(ServiceName.comparator), () => this.tick()).finally(() => (this.running = undefined));
    }, this.config.DRIFT_SCAN_POLL);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SHUTDOWN_WAIT_MS)));
    const outcome = await Promise.race([this.running, waited]);
    clearTimeout(timer);
    // A scan waiting on an unreachable target would hold the shutdown for its time limits: release
    // its claim instead, so that another replica compares that database now rather than when the claim expires.
    if (outcome === 'late') {
      await Promise.all(
        [...this.scanning].map((id) =>
          this.leases
            .release(id, this.replica, new Date())
            .catch((error: unknown) => this.logger.warn(`claim of database ${id} not released: ${String(error)}`)),
        ),
      );
    }
  }

  /**
   * Compare this database soon (after the debounce), unless a scan is due even sooner. Resolves once
   * a lease write that started after this call has landed. A burst of changes (a manifest of
   * thousands of definitions is as many events) shares writes: every call that arrives while one
   * is under way waits for the single next one.
   */
  scanSoon(databaseId: string): Promise<void> {
    const queued = this.nextPull.get(databaseId);
    if (queued && !queued.started) return queued.done;
    const next = { started: false, done: Promise.resolve() };
    next.done = (queued?.done ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        next.started = true;
        return this.pullScanForward(databaseId);
      })
      .finally(() => {
        if (this.nextPull.get(databaseId) === next) this.nextPull.delete(databaseId);
      });
    this.nextPull.set(databaseId, next);
    return next.done;
  }

  private async pullScanForward(databaseId: string): Promise<void> {
    const now = Date.now();
    const at = new Date(now + this.config.DRIFT_CHANGE_DEBOUNCE);
    await this.leases.pullForward(databaseId, at, new Date(now));
  }

  async forget(databaseId: string): Promise<void> {
    await Promise.all([this.leases.delete(databaseId), this.drift.forget(databaseId)]);
  }

  private async tick(): Promise<void> {
    try {
      if (Date.now() - this.lastRefresh >= this.config.DRIFT_SCAN_INTERVAL) await this.refreshLeases();
      // Between rounds this replica scans nothing: a lease still claimed by it was written back claimed
      // by an update that raced its release (see `releaseAbandoned`), and would wait for its claim to expire.
      if (Date.now() - this.lastReleaseAt <= ABANDONED_WATCH_MS) await this.leases.releaseAbandoned(this.replica);
      const next = this.claims();
      const worker = async () => {
        // A database is claimed only once foreground work lets it be compared: its claim does not age meanwhile.
        const turnThenNext = () => this.foreground.turn().then(next);
        for (let claim = await turnThenNext(); claim && !this.stopped; claim = await turnThenNext()) await this.scan(claim.id, claim.at);
      };
      // Settled, not all: a worker whose claim failed must not end the round while the others still scan.
      const workers = await Promise.allSettled(Array.from({ length: this.config.DRIFT_SCAN_CONCURRENCY }, worker));
      const failed = workers.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      this.logger.warn(`drift scan round failed: ${String(error)}`);
    }
  }

  /** How long a claim lasts: the scan's limit and a margin, so it never expires while this replica still scans. */
  private claimMs(): number {
    return this.config.DRIFT_SCAN_LIMIT + CLAIM_MARGIN_MS;
  }

  private async refreshLeases(): Promise<void> {
    const ids = await this.registry.databaseIds();
    this.lastRefresh = Date.now();
    await this.leases.ensureFor(ids, () => new Date(Date.now() + this.jittered()));
    await this.leases.deleteAllBut(ids);
    await this.leases.deleteClaimsBefore(new Date(this.lastRefresh - this.claimMs() - this.config.DRIFT_SCAN_INTERVAL));
  }

  /**
   * The round's claims, one per call, shared by its workers: due leases are read a batch at a time
   * (one read of the leases per batch, not per claim) and a lease another replica claimed first is
   * passed over. Undefined once nothing is due. Workers claim at the same time, each its own lease
   * of the batch: a claim is two writes to the store, and one at a time they would cap the replica
   * at one claim per round trip whatever DRIFT_SCAN_CONCURRENCY.
   */
  private claims(): () => Promise<{ id: string; at: Date } | undefined> {
    let batch: DueLease[] = [];
    let exhausted = false;
    let reading: Promise<void> | undefined;
    /** Leases this replica's workers are claiming now: a batch read meanwhile may list them again. */
    const claiming = new Set<string>();
    const size = CLAIM_BATCH_PER_WORKER * this.config.DRIFT_SCAN_CONCURRENCY;
    const readBatch = async () => {
      const due = await this.leases.due(new Date(), size);
      batch = due.filter((lease) => !claiming.has(lease._id));
      exhausted = due.length < size;
    };
    return async () => {
      while (!this.stopped) {
        if (batch.length === 0) {
          if (exhausted) return undefined;
          // One read for the workers that find the batch empty together.
          await (reading ??= readBatch().finally(() => (reading = undefined)));
          continue;
        }
        const lease = batch.shift()!;
        claiming.add(lease._id);
        try {
          const now = new Date();
          const claimed = await this.leases.claim(lease, new Date(now.getTime() + this.claimMs()), this.replica, now);
          scanClaims.inc({ result: claimed ? 'claimed' : 'taken' });
          if (claimed) return { id: lease._id, at: now };
        } finally {
          claiming.delete(lease._id);
        }
      }
      return undefined;
    };
  }

  private async scan(databaseId: string, claimedAt: Date): Promise<void> {
    this.scanning.add(databaseId);
    const timed = scanDuration.startTimer();
    let outcome: CompareOutcome = 'ok';
    try {
      await withinLimit(this.compare.compareLive(databaseId, undefined, { scheduled: true }), this.config.DRIFT_SCAN_LIMIT);
    } catch (error) {
      outcome = 'failed';
      this.logger.warn(`scheduled compare of database ${databaseId} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.scanning.delete(databaseId);
      // A registry change while this scan ran may have come after it read the DR: compare again after the debounce.
      const changedMeanwhile = await this.leases.releaseIfChangedSince(
        databaseId,
        this.replica,
        claimedAt,
        new Date(Date.now() + this.config.DRIFT_CHANGE_DEBOUNCE),
      );
      if (!changedMeanwhile) await this.leases.release(databaseId, this.replica, new Date(Date.now() + this.jittered()));
      this.lastReleaseAt = Date.now();
      timed({ outcome });
    }
  }

  /** The interval, give or take 10%, so databases registered together do not scan together forever. */
  private jittered(): number {
    return Math.round(this.config.DRIFT_SCAN_INTERVAL * (1 - JITTER + Math.random() * 2 * JITTER));
  }
}

/**
 * The compare, or a TIMEOUT once `limitMs` have passed: a compare that waits on something that never
 * answers must not hold its database's claim, nor its worker, for ever. A compare given up on is not
 * awaited (nothing can stop it); what it throws later is dropped, its lease being released already.
 */
function withinLimit<T>(compare: Promise<T>, limitMs: number): Promise<T> {
  compare.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DomainError(ErrorCode.timeout, `not done within ${limitMs} ms (DRIFT_SCAN_LIMIT)`)), limitMs);
    // A guard: it must not keep a process that is shutting down alive (shutdown releases the claims itself).
    timer.unref();
  });
  return Promise.race([compare, expired]).finally(() => clearTimeout(timer));
}
