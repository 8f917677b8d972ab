import type { EntityName, OplogChange } from '@ir/contracts';
import { OneAtATime } from '@ir/platform';
import { SourceHistoryLost } from '../source/history-lost';
import type { SourceReader } from '../source/source-reader';
import type { SourcePosition } from '../source/source-change';
import { namespaceOf, oplogChangesOf, scannedUpsert, type CapturedEntity } from './captured-entity';

/** Where captured changes go: the oplog manager. A returned promise is the acknowledgement (the entries are durable). */
export interface OplogSink {
  append(changes: readonly OplogChange[]): Promise<unknown>;
  finishScan(entity: EntityName): Promise<unknown>;
}

/** The saved resume position of this source (metadata `mongo_resume_token:<database id>`). */
export interface PositionStore {
  get(): Promise<SourcePosition | undefined>;
  set(position: SourcePosition): Promise<void>;
}

/**
 * The capture of one source server's oplog into the oplog manager. The position is saved only after
 * the sink acknowledged every change up to it, never ahead: a crash replays from the last saved
 * position, and since every upsert carries the whole document, replaying gives the same oplog result.
 */
export class SourceCapture {
  private position: SourcePosition | undefined;
  /** When the source made the last change read (a resume token carries no time, so the lag is told by this). */
  private lastChangeAt: Date | undefined;
  /** Entities this capture scanned while its view of them may still say `scanning`, with the `updatedAt` it scanned. */
  private readonly scannedHere = new Map<EntityName, string | undefined>();
  /** The last poll read a whole batch: more may be readable at once. */
  private lastBatchFull = false;
  /** Polls and refreshes run one at a time: the tail waits while a collection is scanned. */
  private readonly serial = new OneAtATime();

  constructor(
    private readonly deps: {
      readonly reader: SourceReader;
      readonly sink: OplogSink;
      readonly positions: PositionStore;
      readonly entities: () => readonly CapturedEntity[];
      readonly batchSize: number;
      /**
       * Rebuilds an entity (back to scanning, the documents its next scan does not find deleted): what the
       * capture does when the source lost the history after its position. Without it that loss is an error.
       */
      readonly rebuild?: (entity: EntityName) => Promise<unknown>;
      /** Told when the source lost the history after the position (the capture then rebuilt every entity): for logs and metrics. */
      readonly onHistoryLost?: (error: SourceHistoryLost, entities: number) => void;
    },
  ) {}

  /**
   * First start (no saved position): take the oplog's newest position and save it first. Then, on
   * every start, scan the entities still `scanning` (a new one, or one whose scan a crash cut short)
   * before going on from the saved position, so a write made during the scan is read again after it.
   */
  async start(): Promise<void> {
    let position = await this.deps.positions.get();
    if (!position) {
      position = await this.deps.reader.latestPosition();
      await this.deps.positions.set(position);
    }
    this.deps.reader.positionSaved?.(position);
    this.position = position;
    await this.scanNewEntities();
  }

  /** When the source made the last change of the last acknowledged batch (undefined before one). */
  lastChangeTime(): Date | undefined {
    return this.lastChangeAt;
  }

  /**
   * Milliseconds until a change the last poll saw but could not read yet becomes readable; 0 after a full
   * batch (more may be readable now); undefined when none.
   */
  nextChangeInMs(): number | undefined {
    return this.lastBatchFull ? 0 : this.deps.reader.settlesInMs?.();
  }

  /** How long the source holds a change back before it may be read (FerretDB's settle window); 0 for none. */
  settleMs(): number {
    return this.deps.reader.settleMs ?? 0;
  }

  /** The position after the last acknowledged batch (undefined before start). */
  currentPosition(): SourcePosition | undefined {
    return this.position;
  }

  /**
   * Scans the entities that became `scanning` since (the tail waits meanwhile, which is what keeps
   * their order right: every staged change predates the scan's reads), then reads, appends and
   * acknowledges one batch after the position. Returns how many source changes it read.
   */
  pollOnce(): Promise<number> {
    return this.serial.run('capture', () => this.pollBatch());
  }

  /**
   * A scheduled (soft) refresh: the entity's collection scanned again into the oplog as upserts, while
   * the tail waits. A change made during the scan is read after it, so it lands after the scan's upsert
   * of its document. Deletes the capture missed are not found this way (a hard refresh finds them).
   * Returns the documents scanned; 0 for an entity unknown or not yet scanned (its first scan is due).
   */
  refresh(name: EntityName, signal?: AbortSignal): Promise<number> {
    return this.serial.run('capture', async () => {
      const entity = this.deps.entities().find((e) => e.name === name);
      if (!entity || entity.state !== 'scanned') return 0;
      return this.scanInto(entity, signal);
    });
  }

  private async pollBatch(): Promise<number> {
    if (!this.position) throw new Error('SourceCapture.pollOnce before start()');
    await this.scanNewEntities();
    const entities = this.deps.entities();
    const namespaces = [...new Set(entities.map(namespaceOf))];
    let changes;
    try {
      changes = await this.deps.reader.readAfter(this.position, namespaces, this.deps.batchSize);
      this.lastBatchFull = changes.length >= this.deps.batchSize;
    } catch (error) {
      if (!(error instanceof SourceHistoryLost) || !this.deps.rebuild) throw error;
      await this.startAgain(error, entities, this.deps.rebuild);
      return 0;
    }
    if (changes.length === 0) return 0;
    await this.deps.sink.append(changes.flatMap((change) => oplogChangesOf(change, entities)));
    this.deps.reader.confirm?.();
    this.position = changes[changes.length - 1]!.position;
    this.lastChangeAt = changes[changes.length - 1]!.at;
    await this.deps.positions.set(this.position);
    this.deps.reader.positionSaved?.(this.position);
    return changes.length;
  }

  /**
   * The source no longer has what came after the position: listen anew from its newest position and
   * rebuild every entity, as a first start does, rather than skip what was lost. The hard refreshes are
   * asked before the new position is saved: a crash in between finds the old position gone again and
   * asks again, while saving first could leave entities never rebuilt. The entities, back to scanning,
   * are scanned at the next poll; what changes meanwhile is read after the new position, and staged.
   */
  private async startAgain(
    error: SourceHistoryLost,
    entities: readonly CapturedEntity[],
    rebuild: (entity: EntityName) => Promise<unknown>,
  ): Promise<void> {
    const position = await this.deps.reader.latestPosition();
    for (const entity of entities) await rebuild(entity.name);
    await this.deps.positions.set(position);
    this.deps.reader.positionSaved?.(position);
    this.position = position;
    this.deps.onHistoryLost?.(error, entities.length);
  }

  /**
   * Scans each scanning entity once. One seen `scanned` again, or `scanning` with another `updatedAt`
   * than when this capture scanned it (a hard refresh, a new shape), is scanned again.
   */
  private async scanNewEntities(): Promise<void> {
    for (const entity of this.deps.entities()) {
      if (entity.state === 'scanned') this.scannedHere.delete(entity.name);
      else if (!this.scannedHere.has(entity.name) || this.scannedHere.get(entity.name) !== entity.updatedAt) {
        await this.scan(entity);
        this.scannedHere.set(entity.name, entity.updatedAt);
      }
    }
  }

  private async scan(entity: CapturedEntity): Promise<void> {
    await this.scanInto(entity);
    await this.deps.sink.finishScan(entity.name);
  }

  /**
   * Appends the collection's documents as upserts, batch by batch, reading the next batch while the
   * previous one is being appended (the two round trips overlap); appends still run one after another,
   * in order. Returns the documents scanned.
   */
  private async scanInto(entity: CapturedEntity, signal?: AbortSignal): Promise<number> {
    let appending: Promise<unknown> = Promise.resolve();
    let scanned = 0;
    for await (const batch of this.deps.reader.scan(entity.database, entity.collection, this.deps.batchSize)) {
      await appending;
      signal?.throwIfAborted();
      const at = new Date();
      appending = this.deps.sink.append(batch.map((document) => scannedUpsert(entity, document, at)));
      // Handled here for the while it runs unawaited (the next read); the await above or below still throws its error.
      appending.catch(() => undefined);
      scanned += batch.length;
    }
    await appending;
    return scanned;
  }
}
