// Row mappers from SQLite's snake_case columns to the store ports' records.
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

export const toAccount = (r: Row): Account => ({
  id: r['id'] as string,
  username: r['username'] as string,
  passwordHash: r['password_hash'] as string,
  claims: JSON.parse(r['claims'] as string),
  createdAt: r['created_at'] as number,
  disabled: r['disabled'] === 1,
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
  codeChallengeMethod: (r['code_challenge_method'] as 'S256' | 'plain' | null) ?? null,
  authTime: r['auth_time'] as number,
  acr: r['acr'] as string,
  expiresAt: r['expires_at'] as number,
  claims: (r['claims'] as string | null) ?? null,
  used: r['used_at'] !== null,
});

export const toToken = (r: Row): StoredToken => ({
  hash: r['hash'] as string,
  kind: r['kind'] as StoredToken['kind'],
  grantId: r['grant_id'] as string,
  clientId: r['client_id'] as string,
  accountId: r['account_id'] as string,
  scope: r['scope'] as string,
  authTime: r['auth_time'] as number,
  acr: r['acr'] as string,
  issuedAt: r['issued_at'] as number,
  expiresAt: r['expires_at'] as number,
  familyExpiresAt: (r['family_expires_at'] as number | null) ?? null,
  claims: (r['claims'] as string | null) ?? null,
  revoked: r['revoked_at'] !== null,
  rotatedAt: (r['rotated_at'] as number | null) ?? null,
});

export const toRevision = (r: Row): Revision => ({
  id: r['id'] as number,
  parent: r['parent'] as number | null,
  author: r['author'] as string,
  message: r['message'] as string,
  createdAt: r['created_at'] as number,
  snapshot: JSON.parse(r['snapshot'] as string),
});

export const toKey = (r: Row): StoredKey => ({
  kid: r['kid'] as string,
  alg: r['alg'] as string,
  publicJwk: r['public_jwk'] as string,
  privateKey: r['private_key'] as string,
  certificate: r['certificate'] as string,
  createdAt: r['created_at'] as number,
  activatesAt: r['activates_at'] as number,
  retiredAt: (r['retired_at'] as number | null) ?? null,
});

export const toConsent = (r: Row): Consent => ({
  accountId: r['account_id'] as string,
  clientId: r['client_id'] as string,
  scope: r['scope'] as string,
  createdAt: r['created_at'] as number,
});

export const toSession = (r: Row): Session => ({
  idHash: r['id_hash'] as string,
  accountId: r['account_id'] as string,
  authenticator: r['authenticator'] as string,
  acr: r['acr'] as string,
  authTime: r['auth_time'] as number,
  expiresAt: r['expires_at'] as number,
});
