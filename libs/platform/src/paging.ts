import type { FilterQuery, Model } from 'mongoose';

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

export interface PageRequest {
  readonly page: number;
  readonly limit: number;
}

/** One page of a filtered, sorted query and the total count, read together. */
export async function findPage<D, T>(
  model: Model<D>,
  filter: FilterQuery<D>,
  sort: Record<string, 1 | -1>,
  request: PageRequest,
  view: (doc: D) => T,
): Promise<Page<T>> {
  const [docs, total] = await Promise.all([
    model
      .find(filter)
      .sort(sort)
      .skip((request.page - 1) * request.limit)
      .limit(request.limit)
      .lean<D[]>(),
    model.countDocuments(filter),
  ]);
  return { items: docs.map(view), page: request.page, limit: request.limit, total };
}

/** A case-insensitive "contains" match on user text, with regex characters taken literally. */
export function containsText(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}
