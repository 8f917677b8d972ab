import { DomainError, ErrorCode, MAX_INPUT_DEPTH } from '@ir/contracts';
import { parseYamlManifest } from './manifest-yaml';

function failure(text: string): DomainError {
  try {
    parseYamlManifest(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected the YAML to be refused');
}

const INTERNAL_TEXT = /Maximum call stack|RangeError|ReferenceError|resource exhaustion|\n|\bat \S+ \(/;

describe('parseYamlManifest', () => {
  it('parses a manifest, keeping collections named after Object.prototype members', () => {
    const value = parseYamlManifest(
      'version: 1\ncollections:\n  __proto__:\n    - name: a_1\n      keys: [{ field: a, value: 1 }]\n  constructor: []\n',
    ) as { collections: Record<string, unknown> };
    expect(Object.keys(value.collections)).toEqual(['__proto__', 'constructor']);
    expect(value.collections['__proto__']).toEqual([{ name: 'a_1', keys: [{ field: 'a', value: 1 }] }]);
  });

  it.each([
    ['flow', '['.repeat(300_000)],
    ['block', Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
    ['sequence', `${'- '.repeat(3_000)}x`],
  ])('refuses %s nesting past the limit with its position, not a stack overflow', (_kind, text) => {
    const error = failure(text);
    expect(error.code).toBe(ErrorCode.validation);
    expect(error.issues).toEqual([
      {
        field: '(body)',
        rule: 'yaml',
        message: expect.stringMatching(new RegExp(`nests more than ${MAX_INPUT_DEPTH} levels deep \\(line \\d+, column \\d+\\)$`)),
      },
    ]);
    expect(error.message).not.toMatch(INTERNAL_TEXT);
  });

  it('accepts nesting up to the limit', () => {
    const depth = MAX_INPUT_DEPTH - 1;
    expect(parseYamlManifest(`a: ${'['.repeat(depth)}${']'.repeat(depth)}`)).toEqual({ a: expect.any(Array) });
  });

  it('says where the syntax breaks, in its own words', () => {
    const error = failure('version: 1\ncollections: [1\nx: 2\n');
    expect(error.issues?.[0].message).toBe('the manifest is not valid YAML (line 3, column 1)');
    expect(failure('a: 1\na: 2\n').issues?.[0].message).toBe('the manifest is not valid YAML (line 2, column 1)');
  });

  it('refuses alias bombs, too many aliases, dangling aliases and other than one document', () => {
    const bomb =
      'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c]\n';
    const many = `a: &a 1\nb: [${Array.from({ length: 51 }, () => '*a').join(', ')}]\n`;
    for (const text of [bomb, many, 'a: *nowhere\n', 'a: 1\n---\nb: 2\n', '']) {
      const error = failure(text);
      expect(error.issues?.[0]).toEqual({ field: '(body)', rule: 'yaml', message: expect.stringMatching(/^the manifest /) });
      expect(error.message).not.toMatch(INTERNAL_TEXT);
    }
  });
});
