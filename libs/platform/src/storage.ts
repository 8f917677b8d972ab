import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import mongoose, { type Connection } from 'mongoose';

/**
 * How long an operation waits for the database to be there. Under half the bus time limit (5 s by
 * default), so that a request finds the database gone in time to answer 503 naming it, not 504.
 */
const SERVER_SELECTION_TIMEOUT_MS = 2_000;
/** How often the driver checks a server; it also finds a restarted one this soon without a request. */
const HEARTBEAT_MS = 2_000;

export interface MongoConnectOptions {
  readonly uri: string;
  readonly dbName: string;
  /** Bounds on every operation of the service's own database. */
  readonly serverSelectionTimeoutMs?: number;
  readonly operationTimeoutMs?: number;
}

/**
 * Opens the service's own database. Indexes are created by the service at start
 * (`autoIndex` off), so a failure there is seen and logged, not swallowed. Operations are not
 * buffered while the database is away (mongoose's default, for 10 s, with an untyped error at the
 * end): they fail within the server selection time with the driver's typed error.
 */
export async function connectMongo(opts: MongoConnectOptions): Promise<Connection> {
  // Mongoose keeps `new Error().stack` of every query for one rare error message; with
  // --enable-source-maps each such stack is mapped, a few milliseconds of CPU per request.
  mongoose.set('skipOriginalStackTraces', true);
  const connection = mongoose.createConnection(opts.uri, {
    dbName: opts.dbName,
    autoIndex: false,
    autoCreate: false,
    bufferCommands: false,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? SERVER_SELECTION_TIMEOUT_MS,
    heartbeatFrequencyMS: HEARTBEAT_MS,
    socketTimeoutMS: opts.operationTimeoutMs ?? 30000,
    connectTimeoutMS: 5000,
    maxPoolSize: 20,
  });
  return connection.asPromise();
}

/** Node's socket errors that the driver lets through unwrapped (a write to a socket its server just closed: EPIPE). */
const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);
const PING_TIMEOUT_MS = 1_000;

/** A driver or socket error that says a server could not be reached or talked to, whichever server it was. */
function isConnectivityError(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    SOCKET_ERROR_CODES.has(errnoCode(error))
  );
}

/** A Node system error's code; read without `instanceof Error`, which fails for errors of another realm (jest's). */
function errnoCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/**
 * The service's own database is out of reach: the error says a server could not be reached, and the
 * connection knows it is down or, in the moment before it notices (the first operation after its
 * server died meets the closed socket), does not answer a ping. A target database's error of the
 * same kind is not this while the service's own database answers.
 */
export async function isStorageUnreachable(error: unknown, connection: Connection): Promise<boolean> {
  if (!isConnectivityError(error)) return false;
  if (connection.readyState !== mongoose.ConnectionStates.connected || !connection.db) return true;
  return connection.db.command({ ping: 1 }, { timeoutMS: PING_TIMEOUT_MS }).then(
    () => false,
    () => true,
  );
}
