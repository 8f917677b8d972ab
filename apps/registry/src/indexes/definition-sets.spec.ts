import { connectMongo } from '@ir/platform';
import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { AuthorizedDatabase } from '../databases/database-access';
import { databaseModel, type DatabaseModel } from '../databases/database.model';
import { DatabaseRepository } from '../databases/database.repository';
import { listVersionModel } from '../databases/list-version.model';
import { ListVersionRepository } from '../databases/list-version.repository';
import { DefinitionSetBackfill } from './definition-set-backfill';
import { definitionSetModelProvider, type DefinitionSetModel } from './definition-set.model';
import { DefinitionSetRepository } from './definition-set.repository';
import { DefinitionSets } from './definition-sets';
import { indexDefinitionModel, type IndexDefinitionModel } from './index-definition.model';
import { IndexDefinitionRepository } from './index-definition.repository';

/**
 * The definition sets on real FerretDB: a copy of a database's definitions used only at the
 * database's version, by any replica, and built at start for databases that have none.
 */
describe('definition sets', () => {
  const mongoUri = process.env.TEST_MONGODB_URI;
  let mongo: Connection;
  let definitionModel: IndexDefinitionModel;
  let databaseModelOf: DatabaseModel;
  let definitions: IndexDefinitionRepository;
  let databases: DatabaseRepository;
  let setRepository: DefinitionSetRepository;
  const now = new Date();

  /** Two replicas: each keeps its own copies in memory. */
  const replica = () => new DefinitionSets(setRepository, definitions);

  const newDatabase = async (): Promise<AuthorizedDatabase> => {
    const _id = new Types.ObjectId();
    await databaseModelOf.collection.insertOne({ _id, name: `db-${_id.toHexString()}`, definitions_version: 0 });
    return { _id, definitions_version: 0 } as unknown as AuthorizedDatabase;
  };
  const at = (database: AuthorizedDatabase, version: number) => ({ ...database, definitions_version: version }) as AuthorizedDatabase;
  const define = (database: AuthorizedDatabase, collection: string, field: string) =>
    definitions.insert(database, {
      collection,
      name: `${field}_1`,
      name_generated: true,
      key_signature: `${field}_1`,
      keys: [{ field, value: 1 }],
      options_json: '{}',
      created_at: now,
      updated_at: now,
    });
  const names = (set: { all: readonly { collection: string; name: string }[] }) => set.all.map((d) => `${d.collection}.${d.name}`);

  beforeAll(async () => {
    if (!mongoUri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    mongo = await connectMongo({ uri: mongoUri, dbName: `ir_spec_sets_${randomUUID().slice(0, 8)}` });
    definitionModel = indexDefinitionModel(mongo);
    await definitionModel.syncIndexes();
    databaseModelOf = databaseModel(mongo);
    definitions = new IndexDefinitionRepository(definitionModel);
    databases = new DatabaseRepository(databaseModelOf, new ListVersionRepository(listVersionModel(mongo)));
    setRepository = new DefinitionSetRepository(
      (definitionSetModelProvider as { useFactory: (c: Connection) => DefinitionSetModel }).useFactory(mongo),
    );
  });
  afterAll(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  it('reads the truth once per version, sorted by collection and name; a write and its bump are seen by another replica without a message', async () => {
    const database = await newDatabase();
    await define(database, 'users', 'email');
    await define(database, 'orders', 'total');
    await define(database, 'orders', 'at');
    const writer = replica();
    const reader = replica();
    expect(names(await reader.current(database))).toEqual(['orders.at_1', 'orders.total_1', 'users.email_1']);

    // Written and bumped by the other replica: the reader's copy is of version 0, the database now at 1.
    await define(database, 'users', 'age');
    const version = await databases.bumpDefinitionsVersion(database);
    await writer.rebuild(database, version);
    expect(names(await reader.current(at(database, version)))).toEqual(['orders.at_1', 'orders.total_1', 'users.age_1', 'users.email_1']);
  });

  it('after a write of one definition, builds the next set from the one before and that definition read again; from the truth when the one before is not at hand', async () => {
    const database = await newDatabase();
    await define(database, 'users', 'email');
    const writer = replica();
    await writer.current(database);
    const added = await define(database, 'users', 'age');
    const v1 = await databases.bumpDefinitionsVersion(database);
    await writer.afterWriteOf(database, v1, added._id);
    expect(names(await replica().current(at(database, v1)))).toEqual(['users.age_1', 'users.email_1']);

    // Another writer's change counted in a version this one never saw: the set is read from the truth.
    const unseen = await define(database, 'orders', 'total');
    await databases.bumpDefinitionsVersion(database);
    await definitionModel.deleteOne({ _id: added._id });
    const v3 = await databases.bumpDefinitionsVersion(database);
    await writer.afterWriteOf(database, v3, added._id);
    expect((await setRepository.find(database._id))?.definitions.map((d) => d._id.toHexString()).sort()).toEqual(
      [unseen._id.toHexString(), (await definitionModel.findOne({ database_id: database._id, name: 'email_1' }))!._id.toHexString()].sort(),
    );
  });

  it('never uses a stored copy of another version than the database it is asked for', async () => {
    const database = await newDatabase();
    await define(database, 'users', 'email');
    // A copy labelled with a version the database is not at (a writer that stopped, a replica behind).
    await setRepository.write(database._id, 3, []);
    expect(names(await replica().current(at(database, 4)))).toEqual(['users.email_1']);
    expect((await setRepository.find(database._id))?.version).toBe(4);
  });

  it('is built at start for each database without a set at its version, and left alone where it is current', async () => {
    const [fresh, stale, current] = [await newDatabase(), await newDatabase(), await newDatabase()];
    await define(fresh, 'a', 'x');
    await define(stale, 'b', 'y');
    await setRepository.write(stale._id, 7, []);
    await setRepository.write(current._id, 0, []);
    const backfill = new DefinitionSetBackfill(databases, definitions, setRepository);
    expect(await backfill.run()).toBeGreaterThanOrEqual(2);
    expect((await setRepository.find(fresh._id))?.definitions.map((d) => d.name)).toEqual(['x_1']);
    expect(await setRepository.find(stale._id)).toMatchObject({ version: 0, definitions: [expect.objectContaining({ name: 'y_1' })] });
    expect((await setRepository.find(current._id))?.definitions).toEqual([]);
    expect(await backfill.run()).toBe(0);
  });

  it('forgets the set of a database that is deleted', async () => {
    const database = await newDatabase();
    await define(database, 'users', 'email');
    const sets = replica();
    await sets.current(database);
    await sets.forget(database);
    expect(await setRepository.find(database._id)).toBeNull();
  });
});
