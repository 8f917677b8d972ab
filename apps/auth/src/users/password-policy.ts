import { validationFailed } from '@ir/contracts';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

/** zxcvbn's score of at least 10^8 guesses: "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_SCORE = 3;

/** Built once: loading the dictionaries takes a moment and some memory. */
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...englishDictionary },
  });
  return estimator;
}

export interface PasswordOwner {
  readonly username: string;
  readonly email: string;
}

/**
 * Refuses a common or guessable password with a 400 naming `field` and saying why in zxcvbn's words.
 * The length (at least 12) is the contract's; this is what a length cannot tell. zxcvbn weighs the
 * username and email address as words an attacker tries first; a password that contains one of them
 * whole is refused outright, since zxcvbn may still score "ann_smith_2024!" as strong enough.
 */
export function assertStrongPassword(password: string, owner: PasswordOwner, field = 'password'): void {
  const lower = password.toLowerCase();
  const own = [owner.username, owner.email, owner.email.split('@')[0]].map((s) => s.toLowerCase()).filter((s) => s.length >= 3);
  if (own.some((word) => lower.includes(word))) {
    throw weak(field, 'must not contain your username or email address');
  }
  const result = zxcvbn().check(password, [owner.username, owner.email]);
  if (result.score < MIN_SCORE) {
    const why = result.feedback.warning ?? result.feedback.suggestions[0] ?? 'it is too easy to guess';
    throw weak(field, `is too easy to guess: ${why}`);
  }
}

function weak(field: string, message: string) {
  return validationFailed([{ field, rule: 'weak_password', message }]);
}
