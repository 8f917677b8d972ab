import { Logger } from '@nestjs/common';
import { DomainError, EntityInternalRpc, ErrorCode, RegistryDatabaseRpc, type EntitySpec } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { JobScheduler, type JobLogger } from '@ir/platform';
import type { TargetPolicy, UriCipher } from '@ir/target-pool';
import { CaptureLoop } from '../capture/capture-loop';
import type { CapturedEntity } from '../capture/captured-entity';
import { SourceCapture } from '../capture/source-capture';
import { RefreshSchedule } from '../jobs/refresh-schedule';
import { RequestedRefreshes } from '../jobs/requested-refreshes';
import type { ResetEvent } from '../source/change-stream-reader';
import { isResumeToken } from '../source/source-change';
import { openSource, type OpenedSource } from '../source/source-client';
import { BusOplogSink, BusPositionStore } from './bus-oplog-sink';
import { CaptureErrorReporter, SourceNotRegistered } from './capture-error-report';
import { entityCaptured, entityCaptureErrors, entityCaptureHistoryLost, entityCaptureLag } from './capture-metrics';
import { entitiesResetBy } from './reset-scope';

export interface SourceRunnerSettings {
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly settleMs: number;
  /** CAPTURE_TRIM_SOURCE_OPLOG. */
  readonly trimSourceOplog: boolean;
}

/** What the capture's health says of one source. */
export interface SourceStatus {
  state: 'starting' | 'capturing' | 'retrying';
  position?: string;
  lag_seconds?: number;
  error?: string;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The capture of one source database, until stopped: opens the source (its sealed URI from the
 * registry) and runs a CaptureLoop on it, with the entities' soft refreshes (scheduled, and asked for) beside it. The
 * loop retries a failing poll itself; once it gives up (a long outage) or the source cannot be opened,
 * the source is closed and opened again after a backoff that doubles up to 30 s; the saved position
 * makes the restart lose nothing.
 */
export class SourceRunner {
  private readonly logger = new Logger(SourceRunner.name);
  private entities: readonly EntitySpec[] = [];
  private readonly stopping = new AbortController();
  private wake?: () => void;
  private done?: Promise<void>;
  readonly status: SourceStatus = { state: 'starting' };
  /** The same failures, told to entity-oplog: the source's entities show them. */
  private readonly errors: CaptureErrorReporter;

  constructor(
    readonly databaseId: string,
    private readonly deps: {
      readonly bus: Pick<BusClient, 'request'>;
      readonly cipher: UriCipher;
      readonly policy: TargetPolicy;
      readonly settings: SourceRunnerSettings;
      /** The capture lease's epoch every write of this runner carries (a new epoch gets new runners). */
      readonly epoch: number;
    },
  ) {
    this.errors = new CaptureErrorReporter(deps.bus, databaseId, deps.epoch);
  }

  setEntities(entities: readonly EntitySpec[]): void {
    this.entities = entities;
  }

  start(): void {
    this.done ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.done;
    await this.errors.settled();
  }

  private async loop(): Promise<void> {
    let backoff = this.deps.settings.pollIntervalMs;
    while (!this.stopping.signal.aborted) {
      let source: OpenedSource | undefined;
      const scheduler = new JobScheduler({ logger: this.jobLogger() });
      try {
        const opened = await this.open();
        source = opened.source;
        const schedule = new RefreshSchedule(scheduler, opened.capture);
        const requested = new RequestedRefreshes(scheduler, opened.capture, (entity, at) => opened.sink.softRefreshDone(entity, at));
        const capture = new CaptureLoop(opened.capture, {
          refreshEntities: async () => {
            schedule.sync(this.entities);
            requested.sync(this.entities);
          },
          idleMs: this.deps.settings.pollIntervalMs,
          logger: this.retryLogger(),
          onPoll: (read) => {
            backoff = this.deps.settings.pollIntervalMs;
            this.status.state = 'capturing';
            delete this.status.error;
            this.errors.capturing();
            entityCaptured.inc({ database_id: this.databaseId }, read);
            this.report(opened.capture, read);
          },
        });
        await capture.run(this.stopping.signal);
      } catch (error) {
        this.failed(error);
        this.logger.warn(`source ${this.databaseId}: ${this.status.error}; opening it again in ${backoff} ms`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        await scheduler.stop();
        await source?.close().catch(() => undefined);
      }
    }
  }

  private async open(): Promise<{ source: OpenedSource; capture: SourceCapture; sink: BusOplogSink }> {
    const connection = await this.deps.bus
      .request(RegistryDatabaseRpc.connection, { database_id: this.databaseId })
      .catch((error: unknown) => {
        throw error instanceof DomainError && error.code === ErrorCode.notFound ? new SourceNotRegistered(this.databaseId) : error;
      });
    const uri = this.deps.cipher.open(connection.uri_sealed);
    const database = connection.db_name;
    const source = await openSource(uri, this.deps.policy, {
      settleMs: this.deps.settings.settleMs,
      trimSourceOplog: this.deps.settings.trimSourceOplog,
      onReset: (event) => this.hardRefresh(event, database),
    });
    const sink = new BusOplogSink(this.deps.bus, this.deps.epoch);
    const capture = new SourceCapture({
      reader: source.reader,
      sink,
      positions: new BusPositionStore(this.deps.bus, this.databaseId, this.deps.epoch),
      entities: () => this.entities.map((entity) => capturedEntity(entity, database)),
      batchSize: this.deps.settings.batchSize,
      rebuild: (entity) => sink.hardRefresh(entity),
      onHistoryLost: (error, entities) => {
        entityCaptureHistoryLost.inc({ database_id: this.databaseId });
        this.logger.warn(`source ${this.databaseId}: ${error.message}: listening anew and rebuilding its ${entities} entities`);
      },
    });
    return { source, capture, sink };
  }

  /**
   * A watched collection dropped or renamed (or its database dropped, or the stream invalidated): the
   * cache would keep documents the source no longer has, so the entities reading it are rebuilt.
   */
  private hardRefresh(event: ResetEvent, database: string): void {
    for (const entity of entitiesResetBy(event, database, this.entities)) {
      this.logger.warn(`source ${this.databaseId}: ${event.reason} seen on ${event.ns ?? 'the stream'}: hard refresh of ${entity.name}`);
      this.deps.bus
        .request(EntityInternalRpc.hardRefresh, { entity: entity.name })
        .catch((error: unknown) => this.logger.warn(`hard refresh of ${entity.name} not requested: ${describe(error)}`));
    }
  }

  private report(capture: SourceCapture, read: number): void {
    const position = capture.currentPosition();
    if (!position) return;
    this.status.position = isResumeToken(position) ? position._data : `${position.t}.${position.i}`;
    // Caught up (nothing new): no lag but the settle window; otherwise how old the last change read is
    // (an oplog position carries its time; a resume token does not, the change's own time does).
    const changedAt = isResumeToken(position) ? (capture.lastChangeTime()?.getTime() ?? Date.now()) / 1000 : position.t;
    const lag = read === 0 ? 0 : Math.max(0, Date.now() / 1000 - changedAt);
    this.status.lag_seconds = Math.round(lag * 10) / 10;
    entityCaptureLag.set({ database_id: this.databaseId }, lag);
  }

  private failed(error: unknown): void {
    entityCaptureErrors.inc({ database_id: this.databaseId });
    this.status.state = 'retrying';
    this.status.error = describe(error);
    this.errors.failed(error);
  }

  /** The loop's retries show in the health and the error count, as the runner's own do. */
  private retryLogger(): JobLogger {
    return {
      warn: (fields) => {
        this.failed(fields.error);
        this.logger.warn(`source ${this.databaseId}: ${this.status.error}; retrying in ${String(fields.delay_ms)} ms`);
      },
    };
  }

  private jobLogger(): JobLogger {
    return { warn: (fields, message) => this.logger.warn(`source ${this.databaseId}: ${message} ${describe(JSON.stringify(fields))}`) };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function capturedEntity(entity: EntitySpec, database: string): CapturedEntity {
  return {
    name: entity.name,
    database,
    collection: entity.collection,
    columns: entity.columns,
    state: entity.state,
    updatedAt: entity.updated_at,
  };
}

/** The error's kind and message, without a connection string. */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/mongodb(\+srv)?:\/\/\S+/g, 'mongodb://…').slice(0, 300);
}
