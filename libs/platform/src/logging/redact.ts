/**
 * Hides the password of every connection string in a text (MongoDB, NATS, any scheme).
 * `mongodb://user:secret@host/db` → `mongodb://user:****@host/db`.
 */
const URI_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:@/\s]+):[^@/\s]+@/gi;

export function redactSecrets(text: string): string {
  return text.replace(URI_CREDENTIALS, '$1:****@');
}
