import type { CompareResult } from '@ir/contracts';

/**
 * `JSON.stringify(result)`, assembled from its collections' JSON, which the collection memo keeps
 * from one compare to the next: a compare of hundreds of collections is then not serialized whole,
 * once for its answer and once for its stored drift. `withoutComparedAt` leaves out the time, for
 * the stored body (the drift tracker keeps the time beside it). Relies on `collections` being the
 * result's last key, as CompareService builds it.
 */
export function compareResultJson(
  result: CompareResult,
  collectionsJson: readonly string[],
  { withoutComparedAt = false }: { withoutComparedAt?: boolean } = {},
): string {
  const head = JSON.stringify({ ...result, collections: undefined, ...(withoutComparedAt ? { compared_at: undefined } : {}) });
  return `${head.slice(0, -1)},"collections":[${collectionsJson.join(',')}]}`;
}
