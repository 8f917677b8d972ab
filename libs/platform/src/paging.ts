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

/** One page of a filtered, sorted query and the total count, read together (for repositories). */
export async function findPage<D>(
  model: Model<D>,
  filter: FilterQuery<D>,
  sort: Record<string, 1 | -1>,
  request: PageRequest,
): Promise<Page<D>> {
  const [docs, total] = await Promise.all([
    model
      .find(filter)
      .sort(sort)
      .skip((request.page - 1) * request.limit)
      .limit(request.limit)
      .lean<D[]>(),
    model.countDocuments(filter),
  ]);
  return { items: docs, page: request.page, limit: request.limit, total };
}

/** The page with each item shown as `view` shows it. */
export function mapPage<D, T>(page: Page<D>, view: (doc: D) => T): Page<T> {
  return { ...page, items: page.items.map(view) };
}

/** A case-insensitive "contains" match on user text, with regex characters taken literally. */
export function containsText(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}
