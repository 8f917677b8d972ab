import { isIP } from 'node:net';
import type { MongoClient } from 'mongodb';
import type { TargetPolicy } from './policy/target-policy';

/**
 * Holds the hosts a replica set announces to the policy as the driver adds them. Host names go
 * through the policy's `lookup` when the driver connects; an IP address is connected to without a
 * lookup, so it is checked here, when the driver announces the server, and a refused one closes
 * the client (its monitor may have begun to connect by then: the driver offers no earlier hook).
 */
export function watchAnnouncedHosts(client: MongoClient, policy: TargetPolicy, onRefused: (problem: string) => void): void {
  client.on('serverOpening', ({ address }) => {
    const host = hostOfAddress(address);
    if (isIP(host) && !policy.allowsAddress(host)) onRefused(`its servers announced ${host}, which is not in TARGET_ALLOWED_HOSTS`);
  });
}

/** `host:port` or `[v6]:port` to the bare host. */
function hostOfAddress(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colon = address.lastIndexOf(':');
  return colon >= 0 ? address.slice(0, colon) : address;
}
