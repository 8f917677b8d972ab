import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { AuthorizationError, connect, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf } from '@ir/contracts';

/**
 * How the connection finds a server gone that did not close it (a machine that lost power, a
 * partition): two pings 5 s apart unanswered, where nats.js waits two of 2 minutes. A server that
 * closes its sockets (a crashed process) is noticed at once. Then it tries every server of the list
 * again each second, forever (a service never gives up on NATS by itself).
 */
const PING_INTERVAL_MS = 5_000;
const MAX_PINGS_OUT = 2;
const RECONNECT_WAIT_MS = 1_000;

export interface NatsBusOptions {
  /** One server, or every server of a cluster. */
  readonly servers: string | readonly string[];
  /** Shown in the server's connection list: `<service>-<instance>`. */
  readonly name: string;
  /** Time limit for the first connection; later disconnects reconnect forever. */
  readonly connectTimeoutMs?: number;
  /** The process's NATS user (its service's name) and password; none on a bus without users. */
  readonly credentials?: NatsCredentials;
  /** The CA that signed the server's certificate: the connection then requires TLS. */
  readonly tlsCaFile?: string;
  /** Told of what the server refuses this connection (a permission it lacks) and of other async errors. */
  readonly onError?: (error: Error) => void;
}

export interface NatsCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * The process's one NATS connection with its JetStream handles, shared by the
 * transport's server side and its client side.
 */
export class NatsBus {
  /** False from a `disconnect` until the next `reconnect`: the client's own `info` outlives the connection. */
  private connected = true;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly onError?: (error: Error) => void,
  ) {
    void this.followStatus();
  }

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const nc = await connect({
      servers: typeof opts.servers === 'string' ? opts.servers : [...opts.servers],
      name: opts.name,
      timeout: opts.connectTimeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      pingInterval: PING_INTERVAL_MS,
      maxPingOut: MAX_PINGS_OUT,
      // Replies come to an inbox only this user may subscribe to (see bus-permissions.ts).
      ...(opts.credentials
        ? { user: opts.credentials.user, pass: opts.credentials.password, inboxPrefix: inboxPrefixOf(opts.credentials.user) }
        : {}),
      ...(opts.tlsCaFile ? { tls: { caFile: opts.tlsCaFile } } : {}),
    });
    // No account-info round trip here (checkAPI): a cluster still electing its JetStream leader would
    // fail it; the first provisioning step reaches JetStream and waits such an election out.
    const jsm = await jetstreamManager(nc, { timeout: 5000, checkAPI: false });
    return new NatsBus(nc, jetstream(nc, { timeout: 5000 }), jsm, opts.onError);
  }

  /** Connected to a server now; false while every server is out of reach and the client keeps trying. */
  isConnected(): boolean {
    return this.connected && !this.nc.isClosed() && !this.nc.isDraining();
  }

  private async followStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.connected = false;
      else if (status.type === 'reconnect') this.connected = true;
      else if (status.type === 'error') this.onError?.(status.error);
    }
  }

  /** Round trip to the server, bounded by `timeoutMs`. */
  async rtt(timeoutMs = 2000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`NATS did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.nc.rtt(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Lets in-flight messages finish, then closes. Safe to call twice. */
  async drain(): Promise<void> {
    if (this.nc.isClosed() || this.nc.isDraining()) return this.nc.closed().then(() => undefined);
    await this.nc.drain();
  }
}

/**
 * The server refused this login (unknown user, wrong password): retrying cannot help. nats.js gives an
 * `AuthorizationError` for that and also for the server's "Authentication Timeout", which only means
 * the client was too slow to send its login (a starved CPU) and a retry may well pass; the server's
 * text is the only thing that tells them apart, so this is the one place that reads it.
 */
export function isRefusedLogin(error: unknown): boolean {
  return error instanceof AuthorizationError && !error.message.toLowerCase().includes('authentication timeout');
}
