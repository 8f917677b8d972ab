import type { CompareResult } from '@ir/contracts';
import { compareResultJson } from './compare-result-json';

const result: CompareResult = {
  database_id: 'a'.repeat(24),
  db_name: 'shop "main"',
  source: 'live',
  compared_at: '2026-11-01T00:00:00.000Z',
  usage: { supported: false, reason: 'no $indexStats' },
  totals: {
    collections: 2,
    failed_collections: 1,
    not_found_collections: 0,
    missing: 0,
    matched: 0,
    name_differs: 0,
    redundant: 0,
    different: 0,
  },
  collections: [
    { collection: 'a', status: 'ok', collection_exists: false, missing: [], matched: [], redundant: [], different: [] },
    {
      collection: 'b',
      status: 'failed',
      error: { code: 'timeout', message: 'slow' },
      collection_exists: true,
      missing: [],
      matched: [],
      redundant: [],
      different: [],
    },
  ],
};

describe('compareResultJson', () => {
  const collectionsJson = result.collections.map((c) => JSON.stringify(c));

  it('is JSON.stringify of the result, assembled from its collections', () => {
    expect(compareResultJson(result, collectionsJson)).toBe(JSON.stringify(result));
  });

  it('leaves out the time for the stored body', () => {
    expect(compareResultJson(result, collectionsJson, { withoutComparedAt: true })).toBe(
      JSON.stringify({ ...result, compared_at: undefined }),
    );
  });

  it('handles a result without collections', () => {
    expect(JSON.parse(compareResultJson({ ...result, collections: [] }, []))).toEqual({ ...result, collections: [] });
  });
});
