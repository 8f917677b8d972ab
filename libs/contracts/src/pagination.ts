import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

/**
 * Page and limit, at the top level or (as the original product's clients send
 * them) inside `pagination`; both forms give the same result.
 */
export const PageQuery = {
  page: z.coerce.number().int().min(1, { error: 'must be 1 or more' }).max(1_000_000).default(1),
  limit: z.coerce
    .number()
    .int()
    .min(1, { error: 'must be 1 or more' })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .default(20),
  search: z.string().trim().max(200, { error: 'must be at most 200 characters' }).optional(),
};

export const LegacyPagination = z.strictObject({
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});

/** Moves `pagination.page/limit` to the top level before validation. */
export function liftPagination(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('pagination' in body)) return body;
  const { pagination, ...rest } = body as { pagination: unknown };
  const parsed = LegacyPagination.safeParse(pagination);
  return parsed.success ? { ...parsed.data, ...rest } : body;
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), limit: z.number().int(), total: z.number().int() });
}
