import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;
/** Deep offsets make the server skip that many records: past this, narrow the search instead. */
export const MAX_OFFSET = 10_000;

const Page = z.coerce.number().int().min(1, { error: 'must be 1 or more' });
const Limit = z.coerce
  .number()
  .int()
  .min(1, { error: 'must be 1 or more' })
  .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` });

/**
 * The fields of a paged, searchable list request: `page` and `limit` at the top
 * level, or (as the original product's clients send them) inside `pagination`,
 * validated in place so an error names the field the caller sent.
 */
export const PagingFields = {
  page: Page.optional(),
  limit: Limit.optional(),
  pagination: z.strictObject({ page: Page.optional(), limit: Limit.optional() }).optional(),
  search: z.string().trim().max(200, { error: 'must be at most 200 characters' }).optional(),
};

interface PagingInput {
  page?: number;
  limit?: number;
  pagination?: { page?: number; limit?: number };
}

/** One page and limit from either form (the nested one wins), with the defaults. */
export function resolvePaging<T extends PagingInput>({
  pagination,
  page,
  limit,
  ...rest
}: T): Omit<T, keyof PagingInput> & { page: number; limit: number } {
  return { ...rest, page: pagination?.page ?? page ?? 1, limit: pagination?.limit ?? limit ?? 20 };
}

export const withinMaxOffset = (query: { page: number; limit: number }): boolean => (query.page - 1) * query.limit < MAX_OFFSET;
export const MAX_OFFSET_RULE = { error: `page × limit may reach at most ${MAX_OFFSET} records; narrow the search instead`, path: ['page'] };

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), limit: z.number().int(), total: z.number().int() });
}
