/**
 * Hides the password of every MongoDB connection string in a text.
 * `mongodb://user:secret@host/db` → `mongodb://user:****@host/db`.
 */
const URI_CREDENTIALS = /(mongodb(?:\+srv)?:\/\/[^:@/\s]+):[^@/\s]+@/gi;

export function redactSecrets(text: string): string {
  return text.replace(URI_CREDENTIALS, '$1:****@');
}
