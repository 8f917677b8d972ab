import { Logger } from '@nestjs/common';
import { RegistryDatabaseRpc, type EntitySpec } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import type { TargetPolicy, UriCipher } from '@ir/target-pool';
import type { CapturedEntity } from '../capture/captured-entity';
import { SourceCapture } from '../capture/source-capture';
import { openSource, type OpenedSource } from '../source/source-client';
import { BusOplogSink, BusPositionStore } from './bus-oplog-sink';
import { entityCaptured, entityCaptureErrors, entityCaptureLag } from './capture-metrics';

export interface SourceRunnerSettings {
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly settleMs: number;
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
 * registry), then polls. A failure (the source, the registry or the oplog manager away) closes the
 * source and starts again after a backoff that doubles up to 30 s; the saved position makes the
 * restart lose nothing.
 */
export class SourceRunner {
  private readonly logger = new Logger(SourceRunner.name);
  private entities: readonly EntitySpec[] = [];
  private stopped = false;
  private wake?: () => void;
  private done?: Promise<void>;
  readonly status: SourceStatus = { state: 'starting' };

  constructor(
    readonly databaseId: string,
    private readonly deps: {
      readonly bus: Pick<BusClient, 'request'>;
      readonly cipher: UriCipher;
      readonly policy: TargetPolicy;
      readonly settings: SourceRunnerSettings;
    },
  ) {}

  setEntities(entities: readonly EntitySpec[]): void {
    this.entities = entities;
  }

  start(): void {
    this.done ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    let backoff = this.deps.settings.pollIntervalMs;
    while (!this.stopped) {
      let source: OpenedSource | undefined;
      try {
        const opened = await this.open();
        source = opened.source;
        this.status.state = 'capturing';
        delete this.status.error;
        backoff = this.deps.settings.pollIntervalMs;
        while (!this.stopped) {
          const read = await opened.capture.pollOnce();
          entityCaptured.inc({ database_id: this.databaseId }, read);
          this.report(opened.capture, read);
          if (read === 0) await this.sleep(this.deps.settings.pollIntervalMs);
        }
      } catch (error) {
        entityCaptureErrors.inc({ database_id: this.databaseId });
        this.status.state = 'retrying';
        this.status.error = describe(error);
        this.logger.warn(`source ${this.databaseId}: ${this.status.error}; retrying in ${backoff} ms`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        await source?.close().catch(() => undefined);
      }
    }
  }

  private async open(): Promise<{ source: OpenedSource; capture: SourceCapture }> {
    const connection = await this.deps.bus.request(RegistryDatabaseRpc.connection, { database_id: this.databaseId });
    const uri = this.deps.cipher.open(connection.uri_sealed);
    const source = await openSource(uri, this.deps.policy, this.deps.settings.settleMs);
    try {
      const capture = new SourceCapture({
        reader: source.reader,
        sink: new BusOplogSink(this.deps.bus),
        positions: new BusPositionStore(this.deps.bus, this.databaseId),
        entities: () => this.entities.map((entity) => capturedEntity(entity, connection.db_name)),
        batchSize: this.deps.settings.batchSize,
      });
      await capture.start();
      return { source, capture };
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
  }

  private report(capture: SourceCapture, read: number): void {
    const position = capture.currentPosition();
    if (!position) return;
    this.status.position = `${position.t}.${position.i}`;
    // Caught up (nothing new): no lag but the settle window; otherwise how old the last entry read is.
    const lag = read === 0 ? 0 : Math.max(0, Date.now() / 1000 - position.t);
    this.status.lag_seconds = Math.round(lag * 10) / 10;
    entityCaptureLag.set({ database_id: this.databaseId }, lag);
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
  return { name: entity.name, database, collection: entity.collection, columns: entity.columns, state: entity.state };
}

/** The error's kind and message, without a connection string. */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/mongodb(\+srv)?:\/\/\S+/g, 'mongodb://…').slice(0, 300);
}
