import { acceptOrCreateCorrelationId, currentRequestContext, runWithRequestContext } from './request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation ids', () => {
  it('keeps a plain id from the caller', () => {
    expect(acceptOrCreateCorrelationId('req-42.a_b:c')).toBe('req-42.a_b:c');
  });

  it.each([undefined, '', 'has space', 'line\nbreak', 'x'.repeat(129), 42])('replaces %p with a new UUID', (candidate) => {
    expect(acceptOrCreateCorrelationId(candidate)).toMatch(UUID);
  });

  it('is visible across awaits inside the context and not outside it', async () => {
    const seen = await runWithRequestContext({ correlationId: 'abc' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return currentRequestContext()?.correlationId;
    });
    expect(seen).toBe('abc');
    expect(currentRequestContext()).toBeUndefined();
  });
});
