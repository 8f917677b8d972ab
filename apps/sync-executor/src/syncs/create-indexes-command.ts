import { listIndexesOf } from '@ir/target-pool';
import type { Db, IndexDescription } from 'mongodb';

/** One index of a createIndexes command, named. */
export type CreateSpec = IndexDescription & { name: string };

/** The createIndexes command, and stopping the build it started when a sync is cancelled. */
export class CreateIndexesCommand {
  constructor(
    private readonly timeoutMs: number,
    private readonly onStopFailed: (collection: string, error: unknown) => void,
  ) {}

  /**
   * Sends the command; answers how many indexes it created (an identical index that exists is left
   * as it is), when the server says (a mongos answers per shard). When `signal` aborts while it runs,
   * the build is stopped (`stopBuild`) and the command fails with IndexBuildAborted.
   *
   * Unique indexes go first: MongoDB builds a command's indexes in one scan whatever their order, but
   * FerretDB 1.x builds them in order and, when one fails (a unique index over duplicate data), keeps
   * the storage of those built before it without listing them, so that their names can never be
   * created again on that collection (measured on 1.24). Put first, a refused unique build leaves none.
   */
  async send(db: Db, collection: string, specs: readonly CreateSpec[], signal?: AbortSignal): Promise<number | undefined> {
    const stop = (): void => void this.stopBuild(db, collection, specs);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const indexes = [...specs.filter((spec) => spec.unique === true), ...specs.filter((spec) => spec.unique !== true)];
      const reply = await db.command({ createIndexes: collection, indexes }, { timeoutMS: this.timeoutMs });
      const { numIndexesBefore: before, numIndexesAfter: after } = reply;
      return typeof before === 'number' && typeof after === 'number' ? after - before : undefined;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * Stops a build in progress the way MongoDB documents (4.4+, dropIndexes "Abort In-Progress Index
   * Builds"; killOp is not for builds on replica sets): dropIndexes naming every index its builder
   * builds, that is those of the command that are not ready yet (an index of the command that existed
   * before is ready and is never named).
   */
  private async stopBuild(db: Db, collection: string, specs: readonly CreateSpec[]): Promise<void> {
    try {
      const ready = new Set(((await listIndexesOf(db, collection)) ?? []).map((entry) => entry.name));
      const building = specs.map((spec) => spec.name).filter((name) => !ready.has(name));
      if (building.length > 0) await db.command({ dropIndexes: collection, index: building }, { timeoutMS: this.timeoutMs });
    } catch (error) {
      this.onStopFailed(collection, error);
    }
  }
}
