import type { LoggerService } from '@nestjs/common';
import type { CreateIndexesOptions } from 'mongodb';
import type { Collection, Schema } from 'mongoose';

/** What index creation needs of a mongoose model. */
export interface ModelWithIndexes {
  readonly schema: Schema;
  readonly collection: Collection;
}

/** Server errors meaning "this index kind is not implemented here" (FerretDB 1.x says 238 for TTL). */
const NOT_SUPPORTED_CODES = new Set([115, 238]);

export interface OwnIndexesResult {
  /** TTL indexes the server refused; the caller must expire those documents itself. */
  readonly unsupportedTtl: string[];
}

/**
 * Creates the indexes that a service's own collections declare in their schemas.
 * A TTL index that the server does not support is reported instead of failing
 * the start (FerretDB 1.x); any other failure stops the service.
 */
export async function ensureOwnIndexes(models: readonly ModelWithIndexes[], logger: LoggerService): Promise<OwnIndexesResult> {
  const unsupportedTtl: string[] = [];
  for (const model of models) {
    for (const [keys, options] of model.schema.indexes()) {
      try {
        await model.collection.createIndex(keys as Record<string, 1 | -1>, options as CreateIndexesOptions);
      } catch (error) {
        const code = (error as { code?: number }).code;
        if (options.expireAfterSeconds === undefined || !NOT_SUPPORTED_CODES.has(code ?? -1)) throw error;
        const name = `${model.collection.collectionName}.${options.name ?? Object.keys(keys).join('_')}`;
        unsupportedTtl.push(name);
        logger.warn(`the MongoDB server does not support TTL indexes (${name}); expired documents are purged by the service`, 'Indexes');
      }
    }
  }
  return { unsupportedTtl };
}
