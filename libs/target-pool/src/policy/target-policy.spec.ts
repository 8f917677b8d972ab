import type { LookupAddress } from 'node:dns';
import { HostAllowlist } from './host-allowlist';
import { TargetNotAllowedError, TargetPolicy } from './target-policy';
import { TargetConnectionError } from '../target-connection-error';

/** Name resolution as a table: the policy's decisions, without depending on this machine's DNS. */
function resolverOf(table: Record<string, string[]>) {
  return async (host: string): Promise<LookupAddress[]> => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const resolver = resolverOf({
  localhost: ['127.0.0.1', '::1'],
  'db1.internal': ['10.1.2.3'],
  'rebound.example.com': ['10.1.2.3', '169.254.169.254'],
  'cluster0-shard-00-00.abcde.mongodb.net': ['52.1.2.3'],
  'sneaky.example.com': ['0.0.0.0'],
});

function refusal(work: () => unknown): TargetConnectionError {
  try {
    work();
  } catch (error) {
    if (error instanceof TargetConnectionError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('HostAllowlist', () => {
  it('parses names, wildcards, addresses and CIDR blocks, and names every bad entry', () => {
    const list = HostAllowlist.parse('db1.internal, *.mongodb.net 10.0.0.0/8,fd00::/8 ::1 [2001:db8::1]');
    expect(list.allowsName('DB1.internal.')).toBe(true);
    expect(list.allowsName('x.y.mongodb.net')).toBe(true);
    expect(list.allowsName('mongodb.net')).toBe(false);
    expect(list.allowsName('evilmongodb.net')).toBe(false);
    expect(list.allowsAddress('10.200.0.1')).toBe(true);
    expect(list.allowsAddress('::ffff:10.0.0.9')).toBe(true);
    expect(list.allowsAddress('fd12::1')).toBe(true);
    expect(list.allowsAddress('2001:db8::1')).toBe(true);
    expect(list.allowsAddress('11.0.0.1')).toBe(false);
    expect(() => HostAllowlist.parse('ok.host, 10.0.0.0/33, *, http://x, 127.1')).toThrow('"10.0.0.0/33", "*", "http://x", "127.1"');
    expect(HostAllowlist.parse('').isEmpty).toBe(true);
  });

  it('never allows this-host, multicast or broadcast addresses, even inside an allowed block', () => {
    const list = HostAllowlist.parse('0.0.0.0/0,::/0');
    for (const address of ['0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '::', 'ff02::1'])
      expect(list.allowsAddress(address)).toBe(false);
    expect(list.allowsAddress('8.8.8.8')).toBe(true);
  });
});

describe('TargetPolicy.checkUri', () => {
  const policy = new TargetPolicy(HostAllowlist.parse('localhost,127.0.0.0/8,::1,db1.internal'), [], resolver);

  it.each([
    'mongodb://127.0.0.1:27017/',
    'mongodb://user:p%40ss@localhost/app?authSource=admin&retryWrites=true&w=majority&appName=x',
    'mongodb://[::1]:27017/?directConnection=true&readPreference=secondaryPreferred&TLS=false',
    'mongodb+srv://cluster0.abcde.mongodb.net/app?retryWrites=true', // names are checked when resolved
    'mongodb://a.internal,b.internal:27018/?replicaSet=rs0&authMechanism=SCRAM-SHA-256',
  ])('lets %s through to resolution', (uri) => {
    expect(() => policy.checkUri(uri)).not.toThrow();
  });

  it.each([
    ['mongodb://0.0.0.0:27017/', 'not_allowed', 'never a target'],
    ['mongodb://10.9.9.9:27017/', 'not_allowed', 'TARGET_ALLOWED_HOSTS'],
    ['mongodb://127.1:27017/', 'malformed_uri', 'DNS name or an IP address'],
    ['mongodb://2130706433/', 'malformed_uri', 'DNS name or an IP address'],
    ['mongodb://0x7f000001/', 'malformed_uri', 'DNS name or an IP address'],
    ['mongodb://%31%32%37.0.0.1/', 'malformed_uri', 'percent-encoded'],
    ['mongodb://%2Ftmp%2Fmongodb-27017.sock/', 'not_allowed', 'unix_sockets'],
    ['mongodb://localhost/?tlsCAFile=/etc/shadow', 'not_allowed', 'local_files'],
    ['mongodb://localhost/?TLSCERTIFICATEKEYFILE=/etc/ssl/private/key.pem', 'not_allowed', 'local_files'],
    ['mongodb://localhost/?authMechanism=GSSAPI', 'not_allowed', 'external_auth'],
    ['mongodb://localhost/?authMechanism=mongodb-aws', 'not_allowed', 'external_auth'],
    ['mongodb://localhost/?authMechanismProperties=ENVIRONMENT:azure', 'not_allowed', 'external_auth'],
    ['mongodb://localhost/?proxyHost=10.0.0.1&proxyPort=1080', 'not_allowed', 'SOCKS5'],
    ['mongodb://localhost/?compressors=zlib', 'not_allowed', 'compress'],
    ['mongodb://localhost/?localAddress=10.0.0.1', 'malformed_uri', '"localAddress" is not a supported'],
    ['mongodb://localhost/?connectionType=x', 'malformed_uri', 'not a supported'],
    ['mongodb://localhost/?%00=1', 'malformed_uri', 'an option is not a supported'],
    ['http://localhost/', 'malformed_uri', 'invalid MongoDB connection string'],
  ])('refuses %s (%s)', (uri, kind, text) => {
    const error = refusal(() => policy.checkUri(uri));
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(text);
    expect(error.toDomainError().issues?.[0]).toMatchObject({ field: 'uri' });
  });

  it('lets gated capabilities through once TARGET_ALLOWED_URI_FEATURES names them', () => {
    const open = TargetPolicy.parse('localhost', 'unix_sockets,local_files external_auth');
    expect(() => open.checkUri('mongodb://%2Ftmp%2Fm.sock/?tlsCAFile=/etc/ssl/ca.pem&authMechanism=MONGODB-AWS')).not.toThrow();
    expect(() => TargetPolicy.parse('localhost', 'files')).toThrow('unknown features "files"');
  });
});

describe('TargetPolicy.addressesOf', () => {
  const policy = new TargetPolicy(HostAllowlist.parse('localhost,127.0.0.0/8,::1,db1.internal,10.1.0.0/16,*.mongodb.net'), [], resolver);

  it('answers the addresses of an allowed name or of a name whose every address is allowed', async () => {
    await expect(policy.addressesOf('localhost')).resolves.toHaveLength(2);
    await expect(policy.addressesOf('cluster0-shard-00-00.abcde.mongodb.net')).resolves.toEqual([{ address: '52.1.2.3', family: 4 }]);
    await expect(policy.addressesOf('127.0.0.1')).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('refuses a name with one address outside the list, and a name resolving to a never-target', async () => {
    await expect(policy.addressesOf('rebound.example.com')).rejects.toThrow(TargetNotAllowedError);
    await expect(policy.addressesOf('rebound.example.com')).rejects.toThrow('169.254.169.254');
    await expect(policy.addressesOf('sneaky.example.com')).rejects.toThrow('never a target');
    await expect(policy.addressesOf('10.2.0.1')).rejects.toThrow(TargetNotAllowedError);
  });

  it('passes resolution failures on as they are (an unknown name is unreachable, not refused)', async () => {
    await expect(policy.addressesOf('nowhere.internal')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('serves as the driver’s lookup: one address or all, and refusals as errors', async () => {
    const one = await new Promise<[Error | null, string, number]>((resolve) =>
      policy.lookup('db1.internal', { family: 0 }, (error, address, family) => resolve([error, address as string, family as number])),
    );
    expect(one).toEqual([null, '10.1.2.3', 4]);
    const all = await new Promise<unknown>((resolve) => policy.lookup('localhost', { all: true }, (_e, addresses) => resolve(addresses)));
    expect(all).toHaveLength(2);
    const refused = await new Promise<Error | null>((resolve) => policy.lookup('rebound.example.com', {}, (error) => resolve(error)));
    expect(refused).toBeInstanceOf(TargetNotAllowedError);
  });

  it('an empty allowlist refuses everything', async () => {
    const closed = new TargetPolicy(HostAllowlist.parse(''), [], resolver);
    await expect(closed.addressesOf('localhost')).rejects.toThrow(TargetNotAllowedError);
    expect(refusal(() => closed.checkUri('mongodb://127.0.0.1/')).kind).toBe('not_allowed');
  });
});
