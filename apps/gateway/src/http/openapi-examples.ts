import type {
  CreateDatabaseBody,
  CreateEntityBody,
  CreateIndexBody,
  Manifest,
  SyncByCollectionsBody,
  SyncByDatabaseBody,
  SyncFromDatabaseBody,
} from '@ir/contracts';
import type { z } from 'zod';

/**
 * The examples of the OpenAPI document's main request bodies, typed by the schemas they illustrate
 * (and parsed by them in openapi-document.spec.ts), so an example cannot fall behind its contract.
 */
export const EXAMPLES = {
  createDatabase: {
    name: 'orders-production',
    description: 'Orders service, primary cluster',
    uri: 'mongodb://registry:secret@orders-db.internal:27017/?replicaSet=rs0',
    db_name: 'orders',
    import_indexes: true,
    protected: true,
  },
  createIndex: {
    database_id: '665f1c2ab4d0c1e2f3a4b5c6',
    collection: 'orders',
    name: 'customer_id_1_created_at_-1',
    keys: [
      { field: 'customer_id', value: 1 },
      { field: 'created_at', value: -1 },
    ],
    options: { is_unique: false },
  },
  manifest: {
    version: 1,
    database: { name: 'orders-production', db_name: 'orders' },
    collections: {
      orders: [
        {
          name: 'customer_id_1_created_at_-1',
          keys: [
            { field: 'customer_id', value: 1 },
            { field: 'created_at', value: -1 },
          ],
        },
        { keys: [{ field: 'order_number', value: 1 }], options: { is_unique: true } },
      ],
    },
  },
  syncByDatabase: { database_id: '665f1c2ab4d0c1e2f3a4b5c6', hide_before_drop: true, dry_run: false, on_error: 'continue' },
  syncByCollections: { database_id: '665f1c2ab4d0c1e2f3a4b5c6', collections: ['orders', 'customers'], include: ['create'] },
  syncFromDatabase: { database_id: '665f1c2ab4d0c1e2f3a4b5c6', on_conflict: 'skip', dry_run: true },
  createEntity: {
    name: 'customers',
    source: { database_id: '665f1c2ab4d0c1e2f3a4b5c6', collection: 'customers' },
    columns: [
      { name: 'id', type: 'Text', path: '_id' },
      { name: 'email', type: 'Text', path: 'email' },
      { name: 'city', type: 'Text', path: 'address.city' },
      { name: 'orders', type: 'Integer', path: 'stats.orders' },
    ],
  },
} satisfies {
  createDatabase: z.input<typeof CreateDatabaseBody>;
  createIndex: z.input<typeof CreateIndexBody>;
  manifest: z.input<typeof Manifest>;
  syncByDatabase: z.input<typeof SyncByDatabaseBody>;
  syncByCollections: z.input<typeof SyncByCollectionsBody>;
  syncFromDatabase: z.input<typeof SyncFromDatabaseBody>;
  createEntity: z.input<typeof CreateEntityBody>;
};
