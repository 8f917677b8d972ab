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
  // Mongoose keeps `new Error().stack` of every query for one rare error message; with
  // --enable-source-maps each such stack is mapped, a few milliseconds of CPU per request.
  mongoose.set('skipOriginalStackTraces', true);
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
