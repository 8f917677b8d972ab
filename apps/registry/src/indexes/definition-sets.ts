import { Injectable, Logger } from '@nestjs/common';
import type { AuthorizedDatabase } from '../databases/database-access';
import { definitionSetOf, type DefinitionSet } from './definition-set-queries';
import { DefinitionSetRepository } from './definition-set.repository';
import type { IndexDefinitionDocument } from './index-definition.model';
import { IndexDefinitionRepository } from './index-definition.repository';

/**
 * Definitions kept in memory beyond the sets being read: the least recently read sets go first. At
 * about 1 KB a definition in memory this is about 20 MB; a set larger than it is still served, once.
 * A read by `_id` is not free on FerretDB 1.24 either (SQLite scans the table's JSON: 0.2–1.8 s at
 * 1,000 sets under load), so this bounds how much of the fleet is answered from memory.
 */
const CACHED_DEFINITIONS = 20_000;

type DatabaseRef = Pick<AuthorizedDatabase, '_id' | 'definitions_version'>;

/**
 * A database's definitions at its current `definitions_version`, read by `_id` alone (see
 * `DefinitionSetDocument`): from memory when this replica read that version last, else from the
 * stored set, else from `index_definitions` (a read of every definition on FerretDB), stored for the
 * next reader. Consistent across replicas without any message between them: the version comes with
 * the database every request reads first, and a copy of another version is never used.
 *
 * A copy at version v holds at least every write whose version bump is ≤ v: writers write the truth,
 * then bump, and the truth is read after the version. Writers rebuild the set after their bump
 * (`rebuild`), so a reader normally finds it current.
 */
@Injectable()
export class DefinitionSets {
  private readonly logger = new Logger(DefinitionSets.name);
  private readonly cache = new Map<string, DefinitionSet>();
  private cachedDefinitions = 0;
  /** Reads of the truth under way, by database and version: concurrent readers share one. */
  private readonly building = new Map<string, Promise<DefinitionSet>>();

  constructor(
    private readonly sets: DefinitionSetRepository,
    private readonly definitions: IndexDefinitionRepository,
  ) {}

  /** The database's definitions at the version it was read at. */
  async current(database: AuthorizedDatabase): Promise<DefinitionSet> {
    const version = versionOf(database);
    const key = database._id.toHexString();
    const cached = this.cache.get(key);
    if (cached?.version === version) return this.remember(key, cached);
    const stored = await this.sets.find(database._id);
    if (stored?.version === version) return this.remember(key, definitionSetOf(version, stored.definitions));
    return this.remember(key, await this.build(database, version));
  }

  /** After a write and its version bump to `version`: the set read again from the truth and stored. */
  async rebuild(database: AuthorizedDatabase, version: number): Promise<void> {
    this.remember(database._id.toHexString(), await this.build(database, version));
  }

  /**
   * After a write of one definition and the bump to `version`: when the set of the version before is
   * at hand, that set with the definition read again by `_id` (after the bump, so as the truth holds
   * it now) is the set at `version`; otherwise the set is read again from the truth. Each set then
   * holds every write counted in its version: the one before held those before, and this one's
   * definition is read after its write.
   */
  async afterWriteOf(database: AuthorizedDatabase, version: number, definitionId: IndexDefinitionDocument['_id']): Promise<void> {
    const key = database._id.toHexString();
    const cached = this.cache.get(key);
    const previous =
      cached?.version === version - 1
        ? cached.all
        : await this.sets.find(database._id).then((stored) => (stored?.version === version - 1 ? stored.definitions : undefined));
    if (!previous) return this.rebuild(database, version);
    const now = await this.definitions.findIn(database, definitionId);
    const definitions = previous.filter((d) => !d._id.equals(definitionId));
    if (now) definitions.push(now);
    await this.sets.write(database._id, version, definitions);
    this.remember(key, definitionSetOf(version, definitions));
  }

  /** The database is gone: so is its set. */
  async forget(database: DatabaseRef): Promise<void> {
    this.drop(database._id.toHexString());
    await this.sets.delete(database._id);
  }

  private build(database: AuthorizedDatabase, version: number): Promise<DefinitionSet> {
    const key = `${database._id.toHexString()}:${version}`;
    const running = this.building.get(key);
    if (running) return running;
    const built = this.readTruth(database, version).finally(() => this.building.delete(key));
    this.building.set(key, built);
    return built;
  }

  private async readTruth(database: AuthorizedDatabase, version: number): Promise<DefinitionSet> {
    const definitions = await this.definitions.allOf(database);
    // A set that cannot be stored (beyond a document's 16 MB) is still answered; the next reader reads the truth again.
    await this.sets.write(database._id, version, definitions).catch((error: unknown) => {
      this.logger.warn(`database ${database._id.toHexString()}: its definition set was not stored (${String(error)})`);
    });
    return definitionSetOf(version, definitions);
  }

  private remember(key: string, set: DefinitionSet): DefinitionSet {
    this.drop(key);
    this.cache.set(key, set);
    this.cachedDefinitions += set.all.length;
    for (const oldest of [...this.cache.keys()]) {
      if (this.cachedDefinitions <= CACHED_DEFINITIONS || oldest === key) break;
      this.drop(oldest);
    }
    return set;
  }

  private drop(key: string): void {
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    this.cachedDefinitions -= old.all.length;
  }
}

/** A database stored before versions is at 0. */
export function versionOf(database: DatabaseRef): number {
  return database.definitions_version ?? 0;
}
