import { validationFailed } from '@ir/contracts';

/** More tags than this in one If-Match is no precondition a client means. */
const MAX_TAGS = 32;
/** Our tags are versions; a longer one could never match. */
const MAX_TAG_LENGTH = 64;

/** One entity tag (RFC 9110 §8.8.3: `[W/] DQUOTE *etagc DQUOTE`) and the list separator after it. */
const ENTITY_TAG = /(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,[ \t]*|$)/y;

/**
 * The If-Match header (RFC 9110 §13.1.1): absent, `*`, or the strong tags it lists, without their quotes.
 * A weak tag never matches under the strong comparison If-Match uses, so it is left out (a list of only
 * weak tags fails the precondition). A header that is not that grammar is a 400 naming it.
 */
export function parseIfMatch(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const strong: string[] = [];
  let count = 0;
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < value.length) {
    const start = ENTITY_TAG.lastIndex;
    const match = ENTITY_TAG.exec(value);
    if (!match || match[0].length === 0)
      throw invalidIfMatch(`is not "*" or a list of entity tags such as "7" (at character ${start + 1})`);
    if (++count > MAX_TAGS) throw invalidIfMatch(`lists more than ${MAX_TAGS} entity tags`);
    if (match[2].length > MAX_TAG_LENGTH) throw invalidIfMatch(`has an entity tag longer than ${MAX_TAG_LENGTH} characters`);
    if (!match[1]) strong.push(match[2]);
  }
  if (count === 0) throw invalidIfMatch('is empty');
  return strong;
}

function invalidIfMatch(message: string) {
  return validationFailed([{ field: 'If-Match', rule: 'if_match', message: `If-Match ${message}` }], 'header');
}
