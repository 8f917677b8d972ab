import { isDuplicateKeyError, connectMongo } from '@ir/platform';
import { KEY_SIGNATURE_VERSION, type DefinitionOptions, type KeyEntry } from '@ir/index-core';
import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { AuthorizedDatabase } from '../databases/database-access';
import { signatureOf } from './definition-rules';
import { indexDefinitionModel, type IndexDefinitionModel } from './index-definition.model';
import { IndexDefinitionRepository, type NewDefinition } from './index-definition.repository';
import { SignatureRefresh } from './signature-refresh';

/**
 * Signatures stored by an older version of the core's identity rules, on real FerretDB with the
 * collection's unique indexes: the ones that decide duplicates when two requests race.
 */
describe('recomputing stored signatures at start', () => {
  const mongoUri = process.env.TEST_MONGODB_URI;
  let mongo: Connection;
  let model: IndexDefinitionModel;
  let repository: IndexDefinitionRepository;
  let refresh: SignatureRefresh;
  // Built in the spec: no caller to authorize, only the database id the repository scopes by.
  const database = { _id: new Types.ObjectId() } as unknown as AuthorizedDatabase;
  const now = new Date();

  const definition = (collection: string, name: string, keys: KeyEntry[], options: DefinitionOptions = {}): NewDefinition => ({
    collection,
    name,
    name_generated: false,
    key_signature: signatureOf({ name, keys, options }),
    keys,
    options_json: JSON.stringify(options),
    created_at: now,
    updated_at: now,
  });
  /** As code before signature versions wrote it: no version, the signature it computed. */
  const storeOld = async (doc: NewDefinition, oldSignature: string): Promise<Types.ObjectId> => {
    const _id = new Types.ObjectId();
    await model.collection.insertOne({ ...doc, _id, database_id: database._id, key_signature: oldSignature });
    return _id;
  };
  const stored = (_id: Types.ObjectId) => model.findById(_id).lean();
  const refused = (promise: Promise<unknown>): Promise<boolean> =>
    promise.then(
      () => false,
      (error: unknown) => {
        if (isDuplicateKeyError(error)) return true;
        throw error;
      },
    );

  beforeAll(async () => {
    if (!mongoUri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
    mongo = await connectMongo({ uri: mongoUri, dbName: `ir_spec_signatures_${randomUUID().slice(0, 8)}` });
    model = indexDefinitionModel(mongo);
    await model.syncIndexes();
    repository = new IndexDefinitionRepository(model);
    refresh = new SignatureRefresh(repository);
  });
  afterAll(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  it('gives an old wildcard definition its projection in its signature, once; then another projection is a second index and the same one a duplicate', async () => {
    const projected = definition('events', 'by_payload', [{ field: '$**', value: 1 }], { wildcard_projection: { payload: 1 } });
    // Version 1 left the projection out of the identity: the key pattern alone.
    const oldId = await storeOld(projected, '$**_1');
    const plain = definition('events', 'everything', [{ field: '$**', value: 1 }]);
    const plainOld = await storeOld(definition('events', 'by_time', [{ field: 'at', value: 1 }]), 'at_1');
    expect(plain.key_signature).toBe('$**_1');
    // The bug: a wildcard index without projection taken for the stored one.
    expect(await refused(repository.insert(database, plain))).toBe(true);

    expect(await refresh.run()).toEqual({ changed: 1, confirmed: 1, left: 0 });
    const after = await stored(oldId);
    expect(after?.key_signature).toBe(projected.key_signature);
    expect(after?.key_signature).not.toBe('$**_1');
    expect(after?.signature_version).toBe(KEY_SIGNATURE_VERSION);
    expect((await stored(plainOld))?.signature_version).toBe(KEY_SIGNATURE_VERSION);

    expect(await refused(repository.insert(database, plain))).toBe(false);
    const other = definition('events', 'by_meta', [{ field: '$**', value: 1 }], { wildcard_projection: { meta: 1 } });
    expect(await refused(repository.insert(database, other))).toBe(false);
    const same = definition('events', 'by_payload_again', [{ field: '$**', value: 1 }], { wildcard_projection: { payload: 1 } });
    expect(await refused(repository.insert(database, same))).toBe(true);

    // Done once: what this code writes carries the version, so nothing is left to recompute.
    expect(await refresh.run()).toEqual({ changed: 0, confirmed: 0, left: 0 });
    expect(await repository.staleSignatures({ limit: 10 })).toEqual([]);
  });

  it('retries a signature another definition held under the old rules once that one has moved on, in batches', async () => {
    // The first (lower id) wants the signature the second still holds; the second moves on to its own.
    const first = await storeOld(definition('orders', 'by_email', [{ field: 'email', value: 1 }]), 'legacy:first');
    const second = await storeOld(definition('orders', 'by_phone', [{ field: 'phone', value: 1 }]), 'email_1');

    expect(await refresh.run(1)).toEqual({ changed: 2, confirmed: 0, left: 0 });
    expect((await stored(first))?.key_signature).toBe('email_1');
    expect((await stored(second))?.key_signature).toBe('phone_1');
  });

  it('leaves, with its old signature, a definition that the current rules find the same as another of its collection', async () => {
    const kept = await storeOld(definition('users', 'by_name', [{ field: 'name', value: 1 }]), 'legacy:a');
    const twin = await storeOld(definition('users', 'name_again', [{ field: 'name', value: 1 }]), 'legacy:b');

    expect(await refresh.run()).toEqual({ changed: 1, confirmed: 0, left: 1 });
    expect((await stored(kept))?.key_signature).toBe('name_1');
    const left = await stored(twin);
    expect(left?.key_signature).toBe('legacy:b');
    expect(left?.signature_version).toBeUndefined();
    // Bounded: each start tries it again, and leaves it again.
    expect(await refresh.run()).toEqual({ changed: 0, confirmed: 0, left: 1 });
  });
});
