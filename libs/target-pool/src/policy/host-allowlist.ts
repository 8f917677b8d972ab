import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Addresses that are never a target, whatever the allowlist says: "this host" (0.0.0.0/8, ::, which
 * reach the local machine), multicast and broadcast.
 */
const NEVER = new BlockList();
NEVER.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER.addSubnet('224.0.0.0', 4, 'ipv4');
NEVER.addAddress('255.255.255.255', 'ipv4');
NEVER.addAddress('::', 'ipv6');
NEVER.addSubnet('ff00::', 8, 'ipv6');

/** A DNS label: letters, digits, hyphens (and underscores, which SRV-style names use). */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * TARGET_ALLOWED_HOSTS: which hosts target databases may live on. Entries, separated by commas or
 * spaces: host names (`db1.internal`), wildcards (`*.mongodb.net`: any name under that domain, not
 * the domain itself), IP addresses and CIDR blocks (`10.0.0.0/8`, `fd00::/8`). A host is allowed when
 * its name matches a name entry, or when every address it resolves to matches an address entry.
 * Empty allows nothing.
 */
export class HostAllowlist {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
    private readonly addresses: BlockList,
    private readonly hasAddresses: boolean,
    readonly source: string,
  ) {}

  /** @throws Error naming every entry that is none of the forms above. */
  static parse(text: string): HostAllowlist {
    const names = new Set<string>();
    const suffixes: string[] = [];
    const addresses = new BlockList();
    let hasAddresses = false;
    const invalid: string[] = [];
    for (const entry of text.split(/[\s,]+/).filter((e) => e.length > 0)) {
      const lower = entry.toLowerCase().replace(/\.$/, '');
      if (addAddressEntry(addresses, lower)) hasAddresses = true;
      else if (lower.startsWith('*.') && isDnsName(lower.slice(2))) suffixes.push(lower.slice(1));
      else if (isDnsName(lower)) names.add(lower);
      else invalid.push(entry);
    }
    if (invalid.length > 0) {
      throw new Error(`not a host name, *.wildcard, IP address or CIDR block: ${invalid.map((e) => JSON.stringify(e)).join(', ')}`);
    }
    return new HostAllowlist(names, suffixes, addresses, hasAddresses, text.trim());
  }

  get isEmpty(): boolean {
    return this.names.size === 0 && this.suffixes.length === 0 && !this.hasAddresses;
  }

  /** The name itself is allowed (exactly, or under a wildcard). */
  allowsName(host: string): boolean {
    const name = host.toLowerCase().replace(/\.$/, '');
    return this.names.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  /** The address is in an allowed block, and not one that is never a target. */
  allowsAddress(address: string): boolean {
    return !isNeverATarget(address) && this.hasAddresses && checkBlock(this.addresses, address);
  }
}

/** 0.0.0.0/8, ::, multicast and broadcast: refused even for an allowed name. */
export function isNeverATarget(address: string): boolean {
  return checkBlock(NEVER, address);
}

/**
 * A host name as DNS writes it: labels of letters, digits and hyphens, at most 253 characters, and a
 * last label that is not all digits. That last rule refuses the numeric forms that name resolvers turn
 * into addresses (`127.1`, `2130706433`, `0x7f.1`, `0x7f000001`), which would otherwise slip past a name check.
 */
export function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  const last = labels[labels.length - 1];
  return labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(last) && !/^0x[0-9a-f]*$/i.test(last);
}

function addAddressEntry(list: BlockList, entry: string): boolean {
  const [address, prefixText, ...rest] = entry.replace(/^\[(.*)\](\/\d+)?$/, '$1$2').split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, prefix, type);
  return true;
}

function checkBlock(list: BlockList, address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) return false;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address: it is checked against IPv4 entries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1])) return list.check(mapped[1], 'ipv4');
  return list.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}
