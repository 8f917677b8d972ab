import type { TokenPair } from './types';

// Tokens live in sessionStorage (this tab, gone with it), never in a cookie: the API reads only the
// Authorization header, so another site cannot make the browser call it with the console's session.
const KEY = 'index-registry.session';

export interface Session {
  accessToken: string;
  refreshToken: string;
  username: string;
}

export function loadSession(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    return null;
  }
}

export function saveSession(tokens: TokenPair, username: string): Session {
  const session = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, username };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
