/// <reference types="jest" />
import type { IndexDefinitionView } from '../../api/types';
import { bodyOf, EMPTY_FORM, formOf } from './definition-form';

const stored: IndexDefinitionView = {
  id: '665f1c2ab4d0c1e2f3a4b5c6',
  database_id: '665f1c2ab4d0c1e2f3a4b5c7',
  collection: 'orders',
  name: 'status_1_created_-1',
  key_signature: 'status:1|created:-1',
  keys: [
    { field: 'status', value: 1 },
    { field: 'created', value: -1 },
  ],
  options: { is_unique: true, partial_filter_expression: { status: { $eq: 'active' } }, hidden: true },
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
};

describe('the definition form', () => {
  it('gives back a stored definition unchanged, options it has no field for included', () => {
    const { body, local } = bodyOf(formOf(stored));
    expect(local).toEqual({});
    expect(body).toEqual({ collection: 'orders', name: stored.name, keys: stored.keys, options: stored.options });
  });

  it('sends directions as numbers and index types as strings, and leaves the name out when empty', () => {
    const form = {
      ...EMPTY_FORM,
      collection: ' places ',
      keys: [
        { field: 'location', value: '2dsphere' },
        { field: 'rank', value: '-1' },
      ],
      ttl: '3600',
    };
    expect(bodyOf(form).body).toEqual({
      collection: 'places',
      name: undefined,
      keys: [
        { field: 'location', value: '2dsphere' },
        { field: 'rank', value: -1 },
      ],
      options: { expire_after_seconds: 3600 },
    });
  });

  it('passes a TTL that is no number as typed, for the API to name the field', () => {
    expect(bodyOf({ ...EMPTY_FORM, ttl: 'an hour' }).body.options).toEqual({ expire_after_seconds: 'an hour' });
  });

  it('names each JSON field that does not parse, and sends nothing of it', () => {
    const { body, local } = bodyOf({ ...EMPTY_FORM, partialFilter: '{"a": ', collation: '{"locale": "en"}' });
    expect(Object.keys(local)).toEqual(['partialFilter']);
    expect(local.partialFilter).toMatch(/^not JSON: /);
    expect(body.options).toEqual({ collation: { locale: 'en' } });
  });
});
