import type { LoggerService } from '@nestjs/common';
import type { Model } from 'mongoose';
import { ensureOwnIndexes, type OwnIndexesResult } from './own-indexes';

/**
 * The one class that queries and writes one of a service's own collections: every query of the
 * collection is a named operation of its repository, so a rule that every query must keep (such
 * as the caller's scope) has one place to be kept. Nothing else in a service touches mongoose.
 */
export abstract class OwnRepository<D> {
  protected constructor(protected readonly model: Model<D>) {}

  /** Creates the indexes the collection's schema declares (see `ensureOwnIndexes`). */
  ensureIndexes(logger: LoggerService): Promise<OwnIndexesResult> {
    return ensureOwnIndexes([this.model], logger);
  }
}
