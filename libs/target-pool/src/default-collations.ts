import type { Db } from 'mongodb';
import { collectAtMost, MAX_COLLECTIONS } from './bounded-reads';

/**
 * The default collation of each of `collections` that has one (listCollections, one round trip for
 * all): the indexes built there without a collation have it. A collection without one, or that does
 * not exist, is absent. A failure here is left to the reads of each collection to report.
 */
export async function defaultCollationsOf(db: Db, collections: readonly string[]): Promise<ReadonlyMap<string, unknown>> {
  try {
    const infos = await collectAtMost(
      db.listCollections({ name: { $in: [...collections] } }, { nameOnly: false }),
      MAX_COLLECTIONS,
      'collections',
    );
    return collationsOf(infos);
  } catch {
    return new Map();
  }
}

/** The default collations that listCollections answers (without `nameOnly`) tell, by collection. */
export function collationsOf(infos: readonly { name?: unknown; options?: unknown }[]): ReadonlyMap<string, unknown> {
  const collations = new Map<string, unknown>();
  for (const info of infos) {
    const collation = (info.options as { collation?: unknown } | undefined)?.collation;
    if (typeof info.name === 'string' && collation !== undefined) collations.set(info.name, collation);
  }
  return collations;
}
