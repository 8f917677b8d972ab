// What a peer that is not a MongoDB server most likely is, from the first bytes it sent: the
// operator who typed the wrong port learns which service answers there. Only our own fixed phrases
// reach a message, never the peer's bytes.

export type ForeignProtocol = 'http' | 'mysql' | 'tls' | 'redis' | 'ssh' | 'nats' | 'amqp' | 'postgresql' | 'unknown';

export const FOREIGN_PROTOCOL_PHRASE: Record<ForeignProtocol, string> = {
  http: 'it answered like an HTTP server',
  mysql: 'it greeted like a MySQL or MariaDB server',
  tls: 'it answered with TLS: the server may require tls=true',
  redis: 'it answered like a Redis server',
  ssh: 'it greeted like an SSH server',
  nats: 'it greeted like a NATS server',
  amqp: 'it answered like an AMQP broker',
  postgresql: 'it answered like a PostgreSQL server',
  unknown: 'its answer is not the MongoDB wire protocol',
};

/** At most this many leading bytes are looked at. */
const SNIFF_BYTES = 64;

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes.subarray(0, SNIFF_BYTES));

/** The protocol the first bytes a peer sent look like; `unknown` when nothing matches. */
export function recognizeForeignProtocol(bytes: Uint8Array): ForeignProtocol {
  if (bytes.length === 0) return 'unknown';
  const head = ascii(bytes);
  if (head.startsWith('HTTP/')) return 'http';
  if (head.startsWith('SSH-')) return 'ssh';
  if (head.startsWith('INFO ')) return 'nats';
  if (head.startsWith('AMQP')) return 'amqp';
  // TLS record: content type alert (21) or handshake (22), then a 3.x version.
  if ((bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return 'tls';
  // A MySQL/MariaDB server speaks first: a 3-byte length, sequence 0, protocol version 10.
  if (bytes.length >= 5 && bytes[3] === 0x00 && bytes[4] === 0x0a) return 'mysql';
  // RESP replies: a type byte, then a line ending in CRLF.
  if ('-+$*:'.includes(head[0]) && head.includes('\r\n')) return 'redis';
  // A PostgreSQL error or authentication request: 'E' or 'R', then a big-endian int32 length.
  if ((head[0] === 'E' || head[0] === 'R') && bytes.length >= 5 && bytes[1] === 0x00) return 'postgresql';
  return 'unknown';
}
