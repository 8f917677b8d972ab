import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { OwnRepository, type ProjectScopeLike } from './own-repository';
import { connectMongo } from './storage';

jest.setTimeout(60_000);

interface Thing {
  name: string;
  project_id: string | null;
}

class ThingRepository extends OwnRepository<Thing> {
  constructor(model: Model<Thing>) {
    super(model);
  }

  async names(scope: ProjectScopeLike): Promise<string[]> {
    const docs = await this.model.find(this.inProjects(scope)).lean<Thing[]>();
    return docs.map((doc) => doc.name).sort();
  }
}

describe('OwnRepository.inProjects on the test store', () => {
  let connection: Connection;
  let things: ThingRepository;

  beforeAll(async () => {
    connection = await connectMongo({
      uri: process.env.TEST_MONGODB_URI as string,
      dbName: `own_repository_${randomBytes(4).toString('hex')}`,
    });
    const model = connection.model<Thing>('Thing', new Schema<Thing>({ name: String, project_id: { type: String, default: null } }));
    await model.insertMany([
      { name: 'a1', project_id: 'a' },
      { name: 'a2', project_id: 'a' },
      { name: 'b1', project_id: 'b' },
      { name: 'none', project_id: null },
    ]);
    things = new ThingRepository(model);
  });
  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('finds exactly the listed projects: one (an equality), several, none, or all', async () => {
    expect(await things.names({ all: false, ids: ['a'] })).toEqual(['a1', 'a2']);
    expect(await things.names({ all: false, ids: ['a', 'b'] })).toEqual(['a1', 'a2', 'b1']);
    expect(await things.names({ all: false, ids: [] })).toEqual([]);
    expect(await things.names({ all: true })).toEqual(['a1', 'a2', 'b1', 'none']);
  });
});
