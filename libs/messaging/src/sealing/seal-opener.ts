import { sealContextOf, validationFailed, type BackendServiceName, type RpcContract, type SealedField, type SealKey } from '@ir/contracts';
import { mapStringAt } from './field-path';
import { sealKeyChanged } from './request-sealer';
import { SealError, type SealKeyPair } from './sealed-box';

/**
 * The owning service's side: its public sealing key, and its handlers' way to open the sealed fields
 * of a request, each checked against the rules of its plaintext as the gateway checked it.
 */
export class SealOpener {
  constructor(
    private readonly service: BackendServiceName,
    private readonly keys: SealKeyPair,
  ) {}

  /** What `sealKeyContract(service)` answers. */
  get publicKey(): SealKey {
    return { kid: this.keys.recipient.kid, public_key: this.keys.recipient.publicKey };
  }

  /** The request with every sealed field of its contract opened; VALIDATION_FAILED naming a field that is no box of ours. */
  open<T>(contract: RpcContract, request: T): T {
    let opened: unknown = request;
    for (const field of contract.sealed ?? []) {
      opened = mapStringAt(opened, field.path, (box) => this.openField(contract, field, box));
    }
    return opened as T;
  }

  private openField(contract: RpcContract, field: SealedField, box: string): string {
    const name = field.path.join('.');
    let plaintext: string;
    try {
      plaintext = this.keys.open(box, sealContextOf(contract.subject, field));
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      // Sealed with a key this replica does not hold (a key that changed): the sender fetches it again.
      if (error.reason === 'other_key') throw sealKeyChanged(this.service);
      throw validationFailed([{ field: name, rule: 'sealed', message: 'must be sealed for this service, unchanged' }]);
    }
    const checked = field.plain.safeParse(plaintext);
    if (!checked.success) {
      throw validationFailed(checked.error.issues.map((issue) => ({ field: name, rule: issue.code, message: issue.message })));
    }
    return plaintext;
  }
}
