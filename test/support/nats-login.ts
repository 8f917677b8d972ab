// How test code logs in to the closed bus of its private NATS: as the admin (streams, consumers, any
// subject) unless a test is about another user's permissions.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@nats-io/transport-node';
import { inboxPrefixOf, type BusUser } from '@ir/contracts';
import { passwordFileOf } from '../../tools/infra/bus-credentials';

/** A NATS server or cluster of ours, and the directory of its users' password files. */
export interface NatsEndpoint {
  readonly servers: string | readonly string[];
  readonly credentialsDir: string;
}

export function natsCredentials(
  endpoint: Pick<NatsEndpoint, 'credentialsDir'>,
  user: BusUser = 'admin',
): { user: string; password: string } {
  return { user, password: readFileSync(passwordFileOf(endpoint.credentialsDir, user), 'utf8').trim() };
}

/** nats.js connection options for `user`: servers, user, password, and the inbox only that user may read. */
export function natsConnectOptions(endpoint: NatsEndpoint, user: BusUser = 'admin'): ConnectionOptions {
  const { password } = natsCredentials(endpoint, user);
  const servers = typeof endpoint.servers === 'string' ? endpoint.servers.split(',') : [...endpoint.servers];
  return { servers, user, pass: password, inboxPrefix: inboxPrefixOf(user) };
}

/** The shared test NATS (TEST_NATS_URL, TEST_NATS_CREDENTIALS_DIR), as the global setups started it. */
export function testNatsEndpoint(): NatsEndpoint {
  const servers = process.env.TEST_NATS_URL;
  const credentialsDir = process.env.TEST_NATS_CREDENTIALS_DIR;
  if (!servers || !credentialsDir) throw new Error('TEST_NATS_URL and TEST_NATS_CREDENTIALS_DIR are set by the jest global setup');
  return { servers, credentialsDir };
}
