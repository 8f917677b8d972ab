import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import { projectsWhere, type Principal } from '@ir/contracts';
import { OneAtATime, OwnRepository, parseObjectId, type OwnIndexesResult, type Page, type PageRequest } from '@ir/platform';
import { DatabaseListCopy, type ListedDatabase } from './database-list-copy';
import { ListVersionRepository } from './list-version.repository';
import { DATABASE_MODEL, LEGACY_NAME_INDEX, type DatabaseDocument, type DatabaseModel, type DatabaseServerRecord } from './database.model';

export type DatabaseId = DatabaseDocument['_id'];
type DatabaseChanges = Partial<Omit<DatabaseDocument, '_id' | 'created_at' | 'definitions_version' | 'project_id'>>;

/** The list version (see `ListVersionDocument`) every write of a database's listed fields moves on. */
const LIST = 'databases';

/**
 * The `databases` collection: the target databases, each in a project. Every read takes the caller:
 * it finds only databases of projects the caller sees. Writes take a database already read that way.
 * Pages are answered from a copy of every database in memory, read again when the list's version moved.
 */
@Injectable()
export class DatabaseRepository extends OwnRepository<DatabaseDocument> {
  private copy = DatabaseListCopy.of(-1, []);
  private reading: Promise<DatabaseListCopy> | undefined;
  private readonly bumps = new OneAtATime();

  constructor(
    @Inject(DATABASE_MODEL) model: DatabaseModel,
    private readonly listVersions: ListVersionRepository,
  ) {
    super(model);
  }

  /** Drops the index of names unique across projects, left by versions before projects, then creates the schema's. */
  override async ensureIndexes(logger: LoggerService): Promise<OwnIndexesResult> {
    const existing = await this.model.listIndexes().catch(() => []);
    if (existing.some((index) => index.name === LEGACY_NAME_INDEX)) await this.model.collection.dropIndex(LEGACY_NAME_INDEX);
    return super.ensureIndexes(logger);
  }

  /** The database as stored; rejects with the duplicate-key error when the name is taken in its project. */
  async insert(database: Omit<DatabaseDocument, '_id'>): Promise<DatabaseDocument> {
    const inserted = (await this.model.create(database)).toObject();
    await this.listVersions.bump(LIST);
    return inserted;
  }

  /**
   * The database, if the caller sees its project; null also for an id that names no ObjectId. Read by
   * `_id` alone and the project checked here: FerretDB 1.x's SQLite backend looks up a lone `_id`
   * and reads the whole collection for any other filter, and every request on a database starts here.
   */
  async findVisible(principal: Principal, id: string): Promise<DatabaseDocument | null> {
    const _id = parseObjectId(id);
    if (!_id) return null;
    const database = await this.model.findById(_id).lean();
    if (!database) return null;
    const scope = projectsWhere(principal, 'databases:read');
    // A database stored before projects has none: only a scope of every project sees it.
    return scope.all || (database.project_id !== undefined && scope.ids.includes(database.project_id)) ? database : null;
  }

  /** The project's database of this name, in any case. */
  findByName(projectId: string, name: string): Promise<DatabaseDocument | null> {
    return this.model.findOne({ project_id: projectId, name_key: name.toLowerCase() }).lean();
  }

  /** The databases the caller sees (of one project, if given), by name; `search` matches name or description. */
  async page(principal: Principal, query: { search?: string; project_id?: string }, request: PageRequest): Promise<Page<ListedDatabase>> {
    return (await this.listCopy()).page(principal, query, request);
  }

  /** The copy at the list's version now: read again (once, however many ask) when the version moved. */
  private async listCopy(): Promise<DatabaseListCopy> {
    const version = await this.listVersions.current(LIST);
    if (this.copy.version === version) return this.copy;
    this.reading ??= this.model
      .find({}, { uri_sealed: 0 })
      .lean<ListedDatabase[]>()
      .then((databases) => (this.copy = DatabaseListCopy.of(version, databases)))
      .finally(() => (this.reading = undefined));
    const read = await this.reading;
    // A read begun at an older version (another caller's) is read again for this one.
    return read.version >= version ? read : this.listCopy();
  }

  /** The database as changed, or null when it is gone; rejects with the duplicate-key error when the name is taken. */
  async update(database: DatabaseDocument, set: DatabaseChanges): Promise<DatabaseDocument | null> {
    const updated = await this.model.findByIdAndUpdate(database._id, { $set: set }, { new: true }).lean();
    await this.listVersions.bump(LIST);
    return updated;
  }

  /**
   * Records the server seen behind the database, unless the record already says the same (another
   * replica's report came first): true when it changed. `updated_at` stays: nobody changed the database.
   */
  async recordServer(database: Pick<DatabaseDocument, '_id'>, server: DatabaseServerRecord): Promise<boolean> {
    const { modifiedCount } = await this.model.updateOne(
      {
        _id: database._id,
        $nor: [{ 'server.kind': server.kind, 'server.version': server.version, 'server.mongodb_version': server.mongodb_version }],
      },
      { $set: { server } },
    );
    if (modifiedCount === 1) await this.listVersions.bump(LIST);
    return modifiedCount === 1;
  }

  async delete(database: DatabaseDocument): Promise<void> {
    await this.model.deleteOne({ _id: database._id });
    await this.listVersions.bump(LIST);
  }

  /**
   * Marks the database's definitions as changed (see `definitions_version`); answers the new version.
   * One at a time per database in this replica: FerretDB 1.x answered two concurrent `$inc`s with the
   * same version (an import writing two collections at once labelled two definition sets alike and
   * lost one collection's definitions from the lists). Atomic on MongoDB, where replicas may bump at once.
   */
  bumpDefinitionsVersion(database: Pick<DatabaseDocument, '_id'>): Promise<number> {
    return this.bumps.run(database._id.toHexString(), async () => {
      // No projection: FerretDB 1.x does not implement `fields` on findAndModify.
      const bumped = await this.model.findOneAndUpdate({ _id: database._id }, { $inc: { definitions_version: 1 } }, { new: true }).lean();
      return bumped?.definitions_version ?? 0;
    });
  }

  /** Every database's definitions version (0 for one stored before versions), for the definition sets' backfill. */
  async definitionsVersions(): Promise<{ _id: DatabaseId; version: number }[]> {
    const docs = await this.model.find({}, { definitions_version: 1 }).lean<Pick<DatabaseDocument, '_id' | 'definitions_version'>[]>();
    return docs.map((doc) => ({ _id: doc._id, version: doc.definitions_version ?? 0 }));
  }

  /** The version of the database's definitions as it is now (0 for a database stored before versions, or gone). */
  async definitionsVersionNow(database: Pick<DatabaseDocument, '_id'>): Promise<number> {
    const now = await this.model.findById(database._id, { definitions_version: 1 }).lean();
    return now?.definitions_version ?? 0;
  }

  /**
   * Moves the definitions' version on from `expected`, only if it still is `expected`: false when
   * another change came first. Atomic on MongoDB; FerretDB 1.x runs it as read-then-write, so two at
   * once may both pass (the manifest's claims settle that). A database stored before versions is at 0.
   */
  async moveDefinitionsVersionFrom(database: Pick<DatabaseDocument, '_id'>, expected: number): Promise<boolean> {
    const current = expected === 0 ? { $in: [0, null] } : expected;
    const { modifiedCount } = await this.model.updateOne(
      { _id: database._id, definitions_version: current },
      { $inc: { definitions_version: 1 } },
    );
    return modifiedCount === 1;
  }

  /** Moves every database that has no project (registered before projects) into this one; answers how many. */
  async adoptUnowned(projectId: string): Promise<number> {
    const { modifiedCount } = await this.model.updateMany({ project_id: { $exists: false } }, { $set: { project_id: projectId } });
    if (modifiedCount > 0) await this.listVersions.bump(LIST);
    return modifiedCount;
  }
}
