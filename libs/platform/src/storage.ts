import mongoose, { type Connection } from 'mongoose';

export interface MongoConnectOptions {
  readonly uri: string;
  readonly dbName: string;
  /** Bounds on every operation of the service's own database. */
  readonly serverSelectionTimeoutMs?: number;
  readonly operationTimeoutMs?: number;
}

/**
 * Opens the service's own database. Indexes are created by the service at start
 * (`autoIndex` off), so a failure there is seen and logged, not swallowed.
 */
export async function connectMongo(opts: MongoConnectOptions): Promise<Connection> {
  const connection = mongoose.createConnection(opts.uri, {
    dbName: opts.dbName,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 5000,
    socketTimeoutMS: opts.operationTimeoutMs ?? 30000,
    connectTimeoutMS: 5000,
    maxPoolSize: 20,
  });
  return connection.asPromise();
}
