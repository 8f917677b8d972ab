import { validationFailed } from '@ir/contracts';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { translations } from '@zxcvbn-ts/language-en';

/** zxcvbn's score of at least 10^8 guesses: "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_SCORE = 3;

/**
 * zxcvbn's time grows faster than the length (l33t substitutions above all): 128 characters of
 * `p4$$w0rd` repeated took 146 ms of the event loop, 64 took 81 ms. It judges the first 64: a password
 * longer than that is refused when its beginning is guessable, and a strong beginning is strong.
 */
const JUDGED_LENGTH = 64;

/**
 * Built once: loading the dictionaries takes a moment. The common passwords and the keyboard graphs,
 * in English words: the English dictionaries (names, Wikipedia words) made each check 5 to 10 times
 * slower (up to 700 ms for 128 characters), on the event loop of the service that answers logins.
 */
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ translations, graphs: adjacencyGraphs, dictionary, maxLength: JUDGED_LENGTH });
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
