// Turns PostgreSQL rows into port records, field for field as the SQLite store does.
import type {
  Account,
  CodeRecord,
  Consent,
  Revision,
  Session,
  StoredKey,
  StoredToken,
} from '../ports/index.ts';

export type Row = Record<string, unknown>;

// pg hands BIGINT back as a string so as not to lose digits; epoch seconds and ids stay far below 2^53.
export const int = (value: unknown): number => Number(value);
export const intOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

export const toAccount = (r: Row): Account => ({
  id: r['id'] as string,
  username: r['username'] as string,
  passwordHash: r['password_hash'] as string,
  claims: r['claims'] as Record<string, unknown>,
  createdAt: int(r['created_at']),
  disabled: r['disabled'] === true,
});

export const toSession = (r: Row): Session => ({
  idHash: r['id_hash'] as string,
  accountId: r['account_id'] as string,
  authenticator: r['authenticator'] as string,
  acr: r['acr'] as string,
  authTime: int(r['auth_time']),
  expiresAt: int(r['expires_at']),
});

export const toCode = (r: Row): CodeRecord & { used: boolean } => ({
  hash: r['hash'] as string,
  grantId: r['grant_id'] as string,
  clientId: r['client_id'] as string,
  accountId: r['account_id'] as string,
  redirectUri: r['redirect_uri'] as string | null,
  scope: r['scope'] as string,
  nonce: r['nonce'] as string | null,
  codeChallenge: r['code_challenge'] as string | null,
  codeChallengeMethod: r['code_challenge_method'] as CodeRecord['codeChallengeMethod'],
  authTime: int(r['auth_time']),
  acr: r['acr'] as string,
  expiresAt: int(r['expires_at']),
  claims: r['claims'] as string | null,
  used: r['used_at'] !== null,
});

export const toToken = (r: Row): StoredToken => ({
  hash: r['hash'] as string,
  kind: r['kind'] as StoredToken['kind'],
  grantId: r['grant_id'] as string,
  clientId: r['client_id'] as string,
  accountId: r['account_id'] as string,
  scope: r['scope'] as string,
  authTime: int(r['auth_time']),
  acr: r['acr'] as string,
  issuedAt: int(r['issued_at']),
  expiresAt: int(r['expires_at']),
  familyExpiresAt: intOrNull(r['family_expires_at']),
  claims: r['claims'] as string | null,
  revoked: r['revoked_at'] !== null,
  rotatedAt: intOrNull(r['rotated_at']),
});

export const toRevisionMeta = (r: Row): Omit<Revision, 'snapshot'> => ({
  id: int(r['id']),
  parent: intOrNull(r['parent']),
  author: r['author'] as string,
  message: r['message'] as string,
  createdAt: int(r['created_at']),
});

// The json column arrives already parsed by pg's type parser.
export const toRevision = (r: Row): Revision => ({
  ...toRevisionMeta(r),
  snapshot: r['snapshot'] as Revision['snapshot'],
});

export const toKey = (r: Row): StoredKey => ({
  kid: r['kid'] as string,
  alg: r['alg'] as string,
  publicJwk: r['public_jwk'] as string,
  privateKey: r['private_key'] as string,
  certificate: r['certificate'] as string,
  createdAt: int(r['created_at']),
  activatesAt: int(r['activates_at']),
  retiredAt: intOrNull(r['retired_at']),
});

export const toConsent = (r: Row): Consent => ({
  accountId: r['account_id'] as string,
  clientId: r['client_id'] as string,
  scope: r['scope'] as string,
  createdAt: int(r['created_at']),
});
