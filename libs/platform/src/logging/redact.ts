/**
 * Hides the password of every connection string in a text (MongoDB, NATS, any scheme).
 * `mongodb://user:secret@host/db` → `mongodb://user:****@host/db`.
 */
const URI_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:@/\s]+):[^@/\s]+@/gi;

/** Secrets this process holds (its NATS password): hidden wherever they appear, in any log line. */
const knownSecrets = new Set<string>();

/** From now on, every redacted text shows `secret` as `****`. */
export function registerSecret(secret: string): void {
  // A very short value would hide ordinary words; no password of ours is that short.
  if (secret.length >= 8) knownSecrets.add(secret);
}

export function redactSecrets(text: string): string {
  let redacted = text.replace(URI_CREDENTIALS, '$1:****@');
  for (const secret of knownSecrets) if (redacted.includes(secret)) redacted = redacted.split(secret).join('****');
  return redacted;
}
