import { z } from 'zod';
import { ProjectRoles, type Principal } from './access';
import { defineEvent, defineRpc } from './bus';
import { SealedBox, sealedField } from './sealing';
import { Streams } from './streams';

export const Email = z
  .email({ error: 'must be a valid email address' })
  .max(254)
  .transform((e) => e.toLowerCase());
const Username = z
  .string()
  .min(3, { error: 'must be at least 3 characters' })
  .max(32, { error: 'must be at most 32 characters' })
  .regex(/^[a-zA-Z0-9_.-]+$/, { error: 'may contain only letters, digits, "_", "." and "-"' });
export const PASSWORD_MIN_LENGTH = 12;
/**
 * A new password: at least 12 characters, and the auth service also refuses common and guessable ones
 * (zxcvbn). The upper bound keeps a hashing request from becoming a denial of service.
 */
const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(128, { error: 'must be at most 128 characters' });
const DisplayName = z.string().trim().min(1).max(100);
export const UserId = z.string().min(1).max(64);
const SessionId = z.string().min(1).max(64);

/** An invitation as handed out: shown once, `iri_` and 32 random bytes in base64url. */
export const InvitationToken = z.string().regex(/^iri_[A-Za-z0-9_-]{43}$/, { error: 'must be an invitation token (iri_...)' });

export const Profile = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Profile = z.infer<typeof Profile>;

export const TokenPair = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expires_in: z.number().int(),
  /** Seconds until the refresh token expires. */
  refresh_expires_in: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const RegisterRequest = z.strictObject({
  email: Email,
  username: Username,
  password: Password,
  name: DisplayName.optional(),
  /** Needed while AUTH_REGISTRATION is `invite` (but for the first user); binds the account to its email address. */
  invitation: InvitationToken.optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

/** The original accepted either `username` or `email`; `login` is a new alias that takes either. */
export const LoginRequest = z
  .strictObject({
    username: z.string().min(1).max(254).optional(),
    email: z.string().min(1).max(254).optional(),
    login: z.string().min(1).max(254).optional(),
    password: z.string().min(1).max(128),
  })
  .refine((b) => [b.username, b.email, b.login].filter((v) => v !== undefined).length === 1, {
    error: 'give exactly one of username, email or login',
    path: ['username'],
  });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.strictObject({ refresh_token: z.string().min(1).max(512) });

export const LogoutRequest = z.strictObject({ session_id: SessionId, user_id: UserId });

/** `POST /auth/password`: the current password proves it is the user, not a stolen access token. */
export const PasswordChangeBody = z.strictObject({
  current_password: z.string().min(1).max(128),
  new_password: Password,
});
export const PasswordChangeRequest = PasswordChangeBody.extend({ user_id: UserId, session_id: SessionId });
export const PasswordChanged = z.object({
  /** The user's other sessions, revoked: their refresh and access tokens stop working. */
  revoked_sessions: z.number().int(),
});

export const ProfileUpdateBody = z
  .strictObject({ name: DisplayName.nullable().optional(), email: Email.optional() })
  .refine((b) => b.name !== undefined || b.email !== undefined, {
    error: 'give at least one of name or email',
    path: ['name'],
  });
export type ProfileUpdateBody = z.infer<typeof ProfileUpdateBody>;

export const ProfileGetRequest = z.strictObject({ user_id: UserId });
export const ProfileUpdateRequest = z.strictObject({ user_id: UserId, changes: ProfileUpdateBody });

/** Public JSON Web Keys (RFC 7517) that verify access tokens. */
export const Jwks = z.object({
  keys: z.array(z.looseObject({ kid: z.string(), kty: z.string(), alg: z.string() })),
});
export type Jwks = z.infer<typeof Jwks>;

// On the bus, passwords are sealed for auth (sealing.ts); the HTTP bodies above keep their plain form.
const RegisterOnBus = RegisterRequest.extend({ password: SealedBox });
const LoginOnBus = LoginRequest.safeExtend({ password: SealedBox });
const PasswordChangeOnBus = PasswordChangeRequest.extend({ current_password: SealedBox, new_password: SealedBox });

export const AuthRpc = {
  register: defineRpc('auth.rpc.user.register', RegisterOnBus, Profile, [sealedField(['password'], Password)]),
  login: defineRpc('auth.rpc.session.login', LoginOnBus, TokenPair, [sealedField(['password'], LoginRequest.shape.password)]),
  refresh: defineRpc('auth.rpc.session.refresh', RefreshRequest, TokenPair),
  logout: defineRpc('auth.rpc.session.logout', LogoutRequest, z.object({ revoked: z.boolean() })),
  getProfile: defineRpc('auth.rpc.profile.get', ProfileGetRequest, Profile),
  updateProfile: defineRpc('auth.rpc.profile.update', ProfileUpdateRequest, Profile),
  publicKeys: defineRpc('auth.rpc.keys.get', z.strictObject({}), Jwks),
  changePassword: defineRpc('auth.rpc.password.change', PasswordChangeOnBus, PasswordChanged, [
    sealedField(['current_password'], PasswordChangeBody.shape.current_password),
    sealedField(['new_password'], Password),
  ]),
};

export const SessionRevoked = z.object({
  session_id: z.string(),
  user_id: z.string(),
  reason: z.enum(['logout', 'refresh_token_reuse', 'password_changed']),
  revoked_at: z.string(),
  /** After this instant no access token of the session is valid anyway. */
  relevant_until: z.string(),
});
export type SessionRevoked = z.infer<typeof SessionRevoked>;

export const UserRegistered = z.object({ user_id: z.string(), username: z.string(), registered_at: z.string() });

/**
 * A user's profile, password or rights changed, or the user is gone: whoever keeps something of the
 * user (the gateways' profile caches) drops it and asks again. The user's id only: no personal data
 * travels, and the stream keeps none.
 */
export const UserChanged = z.strictObject({ user_id: z.string() });

export const AuthEvents = {
  sessionRevoked: defineEvent('auth.evt.session.revoked', Streams.authEvents.name, SessionRevoked),
  userRegistered: defineEvent('auth.evt.user.registered', Streams.authEvents.name, UserRegistered),
  userChanged: defineEvent('auth.evt.user.changed', Streams.authEvents.name, UserChanged),
};

/** Claims of an access token beyond the registered ones (sub, iat, exp, iss, aud). */
export const ACCESS_TOKEN_ISSUER = 'index-registry/auth';
export const ACCESS_TOKEN_AUDIENCE = 'index-registry';
export const AccessTokenClaims = z.object({
  sub: z.string(),
  sid: z.string(),
  username: z.string(),
  /** A system administrator (a token signed before projects existed has none: not one). */
  sa: z.boolean().default(false),
  /** The user's role in each project it is a member of, as of the token's signing: a refresh brings changes. */
  projects: ProjectRoles.default({}),
  /** When the token was signed, in milliseconds (`iat` has seconds); absent on tokens signed before it existed. */
  ims: z.number().int().optional(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** Whom a request with this access token acts for. */
export function principalOfClaims(claims: AccessTokenClaims): Principal {
  return { kind: 'user', id: claims.sub, name: claims.username, system_admin: claims.sa, projects: claims.projects };
}
