import { z } from 'zod';
import { defineRpc, type SealedField } from './bus';
import { requestContextOf, type BackendServiceName } from './services';

/**
 * A secret in a request (a password, a target URI) crosses the bus as a sealed box that only the
 * service answering the request can open (libs/messaging/src/sealing): the gateway seals it with the
 * public key that service publishes on the bus, the service opens it in its handler and checks the
 * plaintext against the field's own rules, as the gateway did.
 */
export const SealedBox = z
  .string()
  .max(8192)
  .regex(/^seal1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/, {
    error: 'must be sealed for the service that answers the request',
  });

export function sealedField(path: SealedField['path'], plain: SealedField['plain']): SealedField {
  return { path, plain };
}

/** Where a box may be opened: its subject and field, so a box taken from one field opens nowhere else. */
export function sealContextOf(subject: string, field: SealedField): string {
  return `${subject}#${field.path.join('.')}`;
}

/** A service's public sealing key: X25519, 32 bytes in base64url, and its id. */
export const SealKey = z.object({ kid: z.string(), public_key: z.string() });
export type SealKey = z.infer<typeof SealKey>;

/** Every service that answers sealed requests publishes its key here (as auth publishes its token keys). */
export function sealKeyContract(service: BackendServiceName) {
  return defineRpc(`${requestContextOf(service)}.rpc.seal-key.get`, z.strictObject({}), SealKey);
}
