import type { TargetServer } from '@ir/index-core';
import { BSON } from 'mongodb';
import { z } from 'zod';

/** A version as servers write it (`7.0.12`, `4.4.0-rc1`, `v1.24.0`); anything else is not repeated to callers. */
const VERSION = /^[0-9A-Za-z._+-]{1,64}$/;
/** FerretDB's placeholder when its build has no version (an embedded build, as here). */
const FERRETDB_UNKNOWN_VERSION = 'unknown';
/** FerretDB 2.x's own sub-document is a few hundred bytes; a larger one is not read. */
const MAX_FERRETDB_DOCUMENT_BYTES = 4_096;

/**
 * The fields of buildInfo that tell who the server is, read with `raw: true` (sub-documents stay
 * bytes and are not decoded). MongoDB: `version` (https://www.mongodb.com/docs/manual/reference/command/buildInfo/,
 * "<major>.<minor>.<patch> in the case of a release, but development builds may contain additional
 * information"). FerretDB 1.x adds `ferretdbVersion` (FerretDB v1.24.0 internal/handler/msg_buildinfo.go;
 * "unknown" in an embedded build) beside the MongoDB version it imitates (7.0.42); FerretDB 2.x
 * names itself in a `ferretdb: { version }` sub-document instead.
 */
const BuildInfoIdentity = z.object({
  version: z.string().max(256),
  ferretdbVersion: z.string().max(256).optional(),
  ferretdb: z.instanceof(Uint8Array).optional(),
});
const FerretDb2Identity = z.object({ version: z.string().max(256) });

/** The server behind a buildInfo reply; undefined when the reply is not shaped as any server's. */
export function identifyServer(reply: unknown): TargetServer | undefined {
  const parsed = BuildInfoIdentity.safeParse(reply);
  if (!parsed.success) return undefined;
  const { version, ferretdbVersion, ferretdb } = parsed.data;
  // What MongoDB version's rules apply: the server's own, or the one a FerretDB imitates.
  const mongodbVersion = VERSION.test(version) ? version : null;
  if (ferretdbVersion !== undefined) return { kind: 'ferretdb', version: ownVersion(ferretdbVersion), mongodbVersion, line: 1 };
  if (ferretdb !== undefined) {
    const own = ferretdb.byteLength <= MAX_FERRETDB_DOCUMENT_BYTES ? FerretDb2Identity.safeParse(decode(ferretdb)) : undefined;
    return { kind: 'ferretdb', version: own?.success ? ownVersion(own.data.version) : null, mongodbVersion, line: 2 };
  }
  return { kind: 'mongodb', version: mongodbVersion, mongodbVersion };
}

function ownVersion(version: string): string | null {
  return version !== FERRETDB_UNKNOWN_VERSION && VERSION.test(version) ? version : null;
}

function decode(bytes: Uint8Array): unknown {
  try {
    return BSON.deserialize(bytes);
  } catch {
    return undefined;
  }
}
