import { Injectable, Logger } from '@nestjs/common';
import { KEY_SIGNATURE_VERSION } from '@ir/index-core';
import { isDuplicateKeyError } from '@ir/platform';
import type { DatabaseId } from '../databases/database.repository';
import { signatureOf } from './definition-rules';
import { toIndexDefinition } from './definition-view';
import { IndexDefinitionRepository, type StoredSignature } from './index-definition.repository';

/** What one pass did. */
export interface SignatureRefreshResult {
  /** Definitions whose stored signature the current rules compute differently, now stored anew. */
  readonly changed: number;
  /** Definitions stamped with the current version, their signature unchanged. */
  readonly confirmed: number;
  /** Definitions left as they were: another definition of their collection holds the same signature, or they cannot be read. */
  readonly left: number;
}

type Outcome = 'changed' | 'confirmed' | 'clash' | 'left';

/**
 * Recomputes, once, the signatures stored under an older version of the core's identity rules
 * (`KEY_SIGNATURE_VERSION`): since issue 13 the wildcard projection is part of an index's identity, so
 * a wildcard definition stored before kept a signature without it, and the duplicate checks (the
 * service's and the unique index's) would refuse a second wildcard index that differs only in
 * projection, and miss a real duplicate. Every write stamps the current version, so a pass finds only
 * what older code wrote; it pages by id (each definition is read once, a clash once more), and every
 * replica may run it at start (the second finds nothing left, or its write is a no-op).
 */
@Injectable()
export class SignatureRefresh {
  private readonly logger = new Logger(SignatureRefresh.name);

  /**
   * `changedIn` is told each database whose stored signatures changed, once the pass is done: the
   * registry moves its definitions' version on, so that no copy of the older ones is used.
   */
  constructor(
    private readonly definitions: IndexDefinitionRepository,
    private readonly changedIn: (databaseId: DatabaseId) => Promise<unknown> = () => Promise.resolve(),
  ) {}

  async run(batchSize = 500): Promise<SignatureRefreshResult> {
    const counts = { changed: 0, confirmed: 0, left: 0 };
    const changedDatabases = new Map<string, DatabaseId>();
    const count = (stored: StoredSignature, outcome: Exclude<Outcome, 'clash'>) => {
      counts[outcome] += 1;
      if (outcome === 'changed') changedDatabases.set(stored.database_id.toHexString(), stored.database_id);
    };
    const clashed: StoredSignature[] = [];
    for (let after: StoredSignature['_id'] | undefined; ;) {
      const batch = await this.definitions.staleSignatures({ after, limit: batchSize });
      if (batch.length === 0) break;
      for (const stored of batch) {
        const outcome = await this.refresh(stored);
        if (outcome === 'clash') clashed.push(stored);
        else count(stored, outcome);
      }
      after = batch[batch.length - 1]._id;
    }
    // A signature may have clashed with another definition's old one, which has moved on since.
    for (const stored of clashed) {
      const outcome = await this.refresh(stored);
      if (outcome === 'clash') {
        this.logger.warn(
          `definition ${stored._id.toHexString()} (${stored.collection}.${stored.name}) keeps its older signature: ` +
            `by the current rules (version ${KEY_SIGNATURE_VERSION}) another definition of ${stored.collection} is the same index; remove one of them`,
        );
        counts.left += 1;
      } else count(stored, outcome);
    }
    for (const databaseId of changedDatabases.values()) await this.changedIn(databaseId);
    if (counts.changed + counts.confirmed + counts.left > 0) {
      this.logger.log(
        `index signatures brought to version ${KEY_SIGNATURE_VERSION}: ${counts.changed} changed, ${counts.confirmed} unchanged, ${counts.left} left`,
      );
    }
    return counts;
  }

  private async refresh(stored: StoredSignature): Promise<Outcome> {
    let signature: string;
    try {
      signature = signatureOf(toIndexDefinition(stored));
    } catch (error) {
      this.logger.warn(`definition ${stored._id.toHexString()} keeps its signature: its stored form cannot be read (${String(error)})`);
      return 'left';
    }
    if (await this.definitions.signatureHeldByAnother(stored, signature)) return 'clash';
    try {
      // False: written since it was read, by code that computed the current signature.
      if (!(await this.definitions.setSignature(stored._id, signature))) return 'confirmed';
    } catch (error) {
      // MongoDB's answer when another definition took the signature since the check.
      if (isDuplicateKeyError(error)) return 'clash';
      throw error;
    }
    return signature === stored.key_signature ? 'confirmed' : 'changed';
  }
}
