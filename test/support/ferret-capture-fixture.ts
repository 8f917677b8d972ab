import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { OplogChange } from '@ir/contracts';
import { startPrivateFerretDbWithOplog, type PrivateFerretDb } from './private-ferretdb';
import type { CapturedEntity } from '../../apps/entity-capture/src/capture/captured-entity';
import { SourceCapture } from '../../apps/entity-capture/src/capture/source-capture';
import { FerretOplogReader } from '../../apps/entity-capture/src/source/ferret-oplog-reader';
import type { SourcePosition } from '../../apps/entity-capture/src/source/source-change';

/** A started capture over a private FerretDB holding `things` 1 and 2, its oplog manager an array. */
export interface FerretCaptureFixture {
  readonly client: MongoClient;
  readonly db: string;
  readonly capture: SourceCapture;
  /** What the capture appended, in order (the oplog manager's PostgreSQL side has its own specs). */
  readonly appended: OplogChange[];
  /** The entity `things` as the capture sees it: `database` set, `scanned`. */
  readonly things: CapturedEntity;
  /** The entities the capture reads (change it to add or drop some). */
  entities: CapturedEntity[];
  stop(): Promise<void>;
}

/**
 * The jobs' specs' source: a real FerretDB with its oplog and a capture started over it (position in
 * memory, batches of one), its database named `<prefix>_<random>` with `things` {_id: 1, v: 1} and {_id: 2, v: 2}.
 */
export async function startFerretCapture(prefix: string): Promise<FerretCaptureFixture> {
  const db = `${prefix}_${randomBytes(4).toString('hex')}`;
  const ferret: PrivateFerretDb = await startPrivateFerretDbWithOplog();
  const client = await MongoClient.connect(ferret.uri);
  await client
    .db(db)
    .collection<{ _id: number; v: number }>('things')
    .insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 2 },
    ]);
  let position: SourcePosition | undefined;
  const things: CapturedEntity = {
    name: 'things',
    database: db,
    collection: 'things',
    columns: [{ name: 'v', type: 'Integer', path: 'v' }],
    state: 'scanned',
  };
  const appended: OplogChange[] = [];
  const fixture: FerretCaptureFixture = {
    client,
    db,
    appended,
    things,
    entities: [things],
    capture: new SourceCapture({
      reader: new FerretOplogReader(client, { settleMs: 100 }),
      sink: { append: async (changes) => appended.push(...changes), finishScan: async () => undefined },
      positions: { get: async () => position, set: async (p) => void (position = p) },
      entities: () => fixture.entities,
      batchSize: 1,
    }),
    stop: async () => {
      await client.close();
      await ferret.stop();
    },
  };
  await fixture.capture.start();
  return fixture;
}
