import {
  DomainError,
  ErrorCode,
  sealContextOf,
  serviceOfSubject,
  type BackendServiceName,
  type RpcContract,
  type SealKey,
} from '@ir/contracts';
import { mapStringAt } from './field-path';
import { seal } from './sealed-box';

/** What the owner answers when a box was sealed with a key it no longer has: the sender fetches the key again. */
export const SEAL_KEY_CHANGED = 'seal_key_changed';

export function sealKeyChanged(service: BackendServiceName): DomainError {
  return new DomainError(ErrorCode.unavailable, `the ${service} service's sealing key changed; try again`, undefined, {
    service,
    reason: SEAL_KEY_CHANGED,
  });
}

export function isSealKeyChanged(error: unknown): boolean {
  return error instanceof DomainError && error.details?.reason === SEAL_KEY_CHANGED;
}

/**
 * Seals the secret fields of a request for the service that answers it, with the public key that
 * service publishes (fetched once per service, and again after it answers SEAL_KEY_CHANGED).
 */
export class RequestSealer {
  private readonly keys = new Map<BackendServiceName, Promise<SealKey>>();

  constructor(private readonly fetchKey: (service: BackendServiceName) => Promise<SealKey>) {}

  async seal<P>(contract: RpcContract, payload: P): Promise<P> {
    const fields = contract.sealed ?? [];
    if (fields.length === 0) return payload;
    const key = await this.keyOf(ownerOf(contract));
    const recipient = { kid: key.kid, publicKey: key.public_key };
    let sealed: unknown = payload;
    for (const field of fields) {
      sealed = mapStringAt(sealed, field.path, (plaintext) => seal(plaintext, recipient, sealContextOf(contract.subject, field)));
    }
    return sealed as P;
  }

  /** Drops the cached key of the service that answers `contract`: its next request fetches it again. */
  forget(contract: RpcContract): void {
    this.keys.delete(ownerOf(contract));
  }

  private keyOf(service: BackendServiceName): Promise<SealKey> {
    let key = this.keys.get(service);
    if (!key) {
      key = this.fetchKey(service);
      this.keys.set(service, key);
      // A failed fetch is not kept: the next request asks again.
      key.catch(() => this.keys.get(service) === key && this.keys.delete(service));
    }
    return key;
  }
}

function ownerOf(contract: RpcContract): BackendServiceName {
  const service = serviceOfSubject(contract.subject);
  if (!service) throw new Error(`${contract.subject} has sealed fields but no service that answers it`);
  return service;
}
