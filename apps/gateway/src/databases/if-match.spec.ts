import { parseIfMatch } from './if-match';

describe('parseIfMatch', () => {
  it('answers absent, any, or the strong tags without their quotes', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch(' * ')).toBe('*');
    expect(parseIfMatch('"7"')).toEqual(['7']);
    expect(parseIfMatch('"7", "8" ,"x,y"')).toEqual(['7', '8', 'x,y']);
  });

  it('leaves weak tags out: If-Match compares strongly, so they never match', () => {
    expect(parseIfMatch('W/"7"')).toEqual([]);
    expect(parseIfMatch('W/"7", "8"')).toEqual(['8']);
  });

  it.each(['7', '"7', '"7" "8"', '', '*, "7"', `${'"1",'.repeat(33)}`, `"${'9'.repeat(65)}"`])(
    'refuses %j with a 400 naming the header',
    (header) => {
      expect(() => parseIfMatch(header)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ field: 'If-Match' })] }),
      );
    },
  );
});
