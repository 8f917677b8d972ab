import type { EntityName, OplogChange } from '@ir/contracts';
import type { FerretOplogReader } from '../source/ferret-oplog-reader';
import type { OplogPosition } from '../source/source-change';
import { namespaceOf, oplogChangesOf, scannedUpsert, type CapturedEntity } from './captured-entity';

/** Where captured changes go: the oplog manager. A returned promise is the acknowledgement (the entries are durable). */
export interface OplogSink {
  append(changes: readonly OplogChange[]): Promise<unknown>;
  finishScan(entity: EntityName): Promise<unknown>;
}

/** The saved resume position of this source (metadata `mongo_resume_token:<database id>`). */
export interface PositionStore {
  get(): Promise<OplogPosition | undefined>;
  set(position: OplogPosition): Promise<void>;
}

/**
 * The capture of one source server's oplog into the oplog manager. The position is saved only after
 * the sink acknowledged every change up to it, never ahead: a crash replays from the last saved
 * position, and since every upsert carries the whole document, replaying gives the same oplog result.
 */
export class SourceCapture {
  private position: OplogPosition | undefined;
  /** Entities this capture scanned while its view of them may still say `scanning`. */
  private readonly scannedHere = new Set<EntityName>();

  constructor(
    private readonly deps: {
      readonly reader: FerretOplogReader;
      readonly sink: OplogSink;
      readonly positions: PositionStore;
      readonly entities: () => readonly CapturedEntity[];
      readonly batchSize: number;
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
    this.position = position;
    await this.scanNewEntities();
  }

  /** The position after the last acknowledged batch (undefined before start). */
  currentPosition(): OplogPosition | undefined {
    return this.position;
  }

  /**
   * Scans the entities that became `scanning` since (the tail waits meanwhile, which is what keeps
   * their order right: every staged change predates the scan's reads), then reads, appends and
   * acknowledges one batch after the position. Returns how many source changes it read.
   */
  async pollOnce(): Promise<number> {
    if (!this.position) throw new Error('SourceCapture.pollOnce before start()');
    await this.scanNewEntities();
    const entities = this.deps.entities();
    const namespaces = [...new Set(entities.map(namespaceOf))];
    const changes = await this.deps.reader.readAfter(this.position, namespaces, this.deps.batchSize);
    if (changes.length === 0) return 0;
    await this.deps.sink.append(changes.flatMap((change) => oplogChangesOf(change, entities)));
    this.position = changes[changes.length - 1]!.position;
    await this.deps.positions.set(this.position);
    return changes.length;
  }

  /** Scans each scanning entity once; one seen `scanned` again may be reset (a new shape) and scanned again later. */
  private async scanNewEntities(): Promise<void> {
    for (const entity of this.deps.entities()) {
      if (entity.state === 'scanned') this.scannedHere.delete(entity.name);
      else if (!this.scannedHere.has(entity.name)) {
        await this.scan(entity);
        this.scannedHere.add(entity.name);
      }
    }
  }

  private async scan(entity: CapturedEntity): Promise<void> {
    for await (const batch of this.deps.reader.scan(entity.database, entity.collection, this.deps.batchSize)) {
      const at = new Date();
      await this.deps.sink.append(batch.map((document) => scannedUpsert(entity, document, at)));
    }
    await this.deps.sink.finishScan(entity.name);
  }
}
