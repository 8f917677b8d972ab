import { redactSecrets } from '@ir/platform';

/**
 * Hides the password of one connection string: `mongodb://user:s3cret@host/db` → `mongodb://user:****@host/db`.
 *
 * Why not just `redactSecrets` from @ir/platform: its pattern stops the password at the first `/` or `@`,
 * which is right for free text but leaks part of a password in exactly the inputs this library must
 * describe — malformed URIs with unescaped characters (`mongodb://u:p/w@d@host`). For a single URI we know
 * where the userinfo ends (the last `@` before the host list), so we cut there, and over-redact rather
 * than leak when in doubt. `redactSecrets` is still applied to the rest (query strings, odd schemes).
 */
export function redactUri(uri: string): string {
  const schemeEnd = uri.indexOf('://');
  const scheme = schemeEnd >= 0 ? uri.slice(0, schemeEnd + 3) : '';
  const rest = schemeEnd >= 0 ? uri.slice(schemeEnd + 3) : uri;
  // The host list cannot contain '@', so the last '@' ends the userinfo. If the path or query holds
  // an '@' we redact too much (part of the host), never too little.
  const at = rest.lastIndexOf('@');
  let redacted = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) redacted = `${userinfo.slice(0, colon)}:****@${rest.slice(at + 1)}`;
  }
  return redactSecrets(scheme + redacted).replace(SECRET_QUERY_OPTIONS, '$1****');
}

// URI options that carry secrets of their own (AWS session tokens ride in authMechanismProperties).
const SECRET_QUERY_OPTIONS = /([?&](?:authMechanismProperties|tlsCertificateKeyFilePassword|sslPEMKeyPassword)=)[^&]*/gi;

/**
 * The password of a URI as written and percent-decoded, for scrubbing driver messages that might echo it.
 * Empty when the URI has none.
 */
export function uriPasswords(uri: string): string[] {
  const schemeEnd = uri.indexOf('://');
  const rest = schemeEnd >= 0 ? uri.slice(schemeEnd + 3) : uri;
  const at = rest.lastIndexOf('@');
  if (at < 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [];
  const raw = userinfo.slice(colon + 1);
  const found = new Set<string>([raw]);
  try {
    found.add(decodeURIComponent(raw));
  } catch {
    // Malformed percent-encoding: the raw form is all a message could contain.
  }
  return [...found].filter((p) => p.length > 0);
}

/**
 * Makes any text safe to show next to a target: the URI itself becomes its redacted form, and the password
 * (raw or decoded) is masked wherever else it appears — driver messages sometimes quote the input.
 */
export function scrubTargetText(text: string, uri: string): string {
  let out = uri.length > 0 ? text.split(uri).join(redactUri(uri)) : text;
  for (const password of uriPasswords(uri)) {
    // Very short passwords would mangle ordinary words if replaced everywhere; such text still goes
    // through redactSecrets, which catches them in any user:password@ form.
    if (password.length >= 3) out = out.split(password).join('****');
  }
  return redactSecrets(out);
}
