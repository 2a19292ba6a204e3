// Row mappers from the snake_case columns both SQL engines share to the store ports' records. The engines
// differ only in how a JSON column and a boolean arrive; each passes its own `Columns`.
import { storedSnapshot } from '../config/stored.ts';
import type {
  Account,
  AdminSession,
  AdminUser,
  ApiToken,
  CodeRecord,
  Consent,
  Draft,
  PushedRequest,
  Revision,
  Session,
  StoredCode,
  StoredKey,
  StoredToken,
} from './ports/index.ts';

export type Row = Record<string, unknown>;

export interface Columns {
  /** A JSON column's value as a fresh object the caller may change. */
  json(value: unknown): unknown;
  bool(value: unknown): boolean;
}

// pg hands BIGINT back as a string so as not to lose digits; epoch seconds and ids stay far below 2^53.
export const int = (value: unknown): number => Number(value);
export const intOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const text = (value: unknown) => value as string;
const textOrNull = (value: unknown) => (value as string | null | undefined) ?? null;

/** Migration 010's amr column: '' (rows from before it, or no amr) reads as absent. */
const amrOf = (r: Row): { amr?: string } => (r['amr'] ? { amr: text(r['amr']) } : {});

/** Migration 010's session columns; a session from before it reads as one password factor (html-form was all). */
function sessionDetails(
  r: Row,
  columns: Columns,
): Pick<Session, 'factors' | 'createdAt' | 'lastSeen' | 'userAgent' | 'address'> {
  const stored = r['factors'] == null ? [] : (columns.json(r['factors']) as Session['factors']);
  const authTime = int(r['auth_time']);
  const factors =
    stored.length > 0 ? stored : [{ authenticator: text(r['authenticator']), amr: ['pwd'], at: authTime }];
  return {
    factors,
    createdAt: int(r['created_at'] ?? 0) || authTime,
    lastSeen: int(r['last_seen'] ?? 0) || authTime,
    userAgent: (r['user_agent'] as string | undefined) ?? '',
    address: (r['address'] as string | undefined) ?? '',
  };
}

export function rowMappers(columns: Columns) {
  const toRevisionMeta = (r: Row): Omit<Revision, 'snapshot'> => ({
    id: int(r['id']),
    parent: intOrNull(r['parent']),
    author: text(r['author']),
    message: text(r['message']),
    createdAt: int(r['created_at']),
  });
  return {
    toAccount: (r: Row): Account => ({
      id: text(r['id']),
      username: text(r['username']),
      passwordHash: text(r['password_hash']),
      claims: columns.json(r['claims']) as Account['claims'],
      createdAt: int(r['created_at']),
      disabled: columns.bool(r['disabled']),
    }),
    toSession: (r: Row): Session => ({
      idHash: text(r['id_hash']),
      accountId: text(r['account_id']),
      authenticator: text(r['authenticator']),
      acr: text(r['acr']),
      authTime: int(r['auth_time']),
      expiresAt: int(r['expires_at']),
      ...sessionDetails(r, columns),
    }),
    toCode: (r: Row): StoredCode => ({
      hash: text(r['hash']),
      grantId: text(r['grant_id']),
      clientId: text(r['client_id']),
      accountId: text(r['account_id']),
      redirectUri: textOrNull(r['redirect_uri']),
      scope: text(r['scope']),
      nonce: textOrNull(r['nonce']),
      codeChallenge: textOrNull(r['code_challenge']),
      codeChallengeMethod: textOrNull(r['code_challenge_method']) as CodeRecord['codeChallengeMethod'],
      authTime: int(r['auth_time']),
      acr: text(r['acr']),
      expiresAt: int(r['expires_at']),
      claims: textOrNull(r['claims']),
      // From the grant's row (a join); a code read without it is unbound.
      sessionHash: r['session_hash'] == null ? null : text(r['session_hash']),
      // Added by migration 008: a code saved before reads null (no resource named, not DPoP-bound).
      resource: textOrNull(r['resource']),
      jkt: textOrNull(r['jkt']),
      ...amrOf(r),
      used: r['used_at'] !== null,
    }),
    toToken: (r: Row): StoredToken => ({
      hash: text(r['hash']),
      kind: r['kind'] as StoredToken['kind'],
      grantId: text(r['grant_id']),
      clientId: text(r['client_id']),
      accountId: text(r['account_id']),
      scope: text(r['scope']),
      authTime: int(r['auth_time']),
      acr: text(r['acr']),
      issuedAt: int(r['issued_at']),
      expiresAt: int(r['expires_at']),
      familyExpiresAt: intOrNull(r['family_expires_at']),
      claims: textOrNull(r['claims']),
      // Added by migration 008: a token issued before reads null (the client's own audience, bearer).
      audience: textOrNull(r['audience']),
      jkt: textOrNull(r['jkt']),
      // Added by migration 015, absent when null as in the record issued (no actor, a local subject).
      ...(r['act'] == null ? {} : { act: text(r['act']) }),
      ...(r['subject'] == null ? {} : { subject: text(r['subject']) }),
      ...amrOf(r),
      revoked: r['revoked_at'] !== null,
      rotatedAt: intOrNull(r['rotated_at']),
    }),
    toPushedRequest: (r: Row): PushedRequest => ({
      hash: text(r['hash']),
      clientId: text(r['client_id']),
      // TEXT on both engines, not a JSON column: the parameters come back exactly as they were pushed.
      params: JSON.parse(text(r['params'])) as PushedRequest['params'],
      expiresAt: int(r['expires_at']),
    }),
    toRevisionMeta,
    toRevision: (r: Row): Revision => ({
      ...toRevisionMeta(r),
      snapshot: storedSnapshot(columns.json(r['snapshot'])),
    }),
    toKey: (r: Row): StoredKey => ({
      kid: text(r['kid']),
      alg: text(r['alg']),
      publicJwk: text(r['public_jwk']),
      privateKey: text(r['private_key']),
      certificate: text(r['certificate']),
      createdAt: int(r['created_at']),
      activatesAt: int(r['activates_at']),
      retiredAt: intOrNull(r['retired_at']),
    }),
    toConsent: (r: Row): Consent => ({
      accountId: text(r['account_id']),
      clientId: text(r['client_id']),
      scope: text(r['scope']),
      createdAt: int(r['created_at']),
    }),
    toAdminUser: (r: Row): AdminUser => ({
      username: text(r['username']),
      passwordHash: text(r['password_hash']),
      createdAt: int(r['created_at']),
    }),
    toAdminSession: (r: Row): AdminSession => ({
      idHash: text(r['id_hash']),
      username: text(r['username']),
      createdAt: int(r['created_at']),
      expiresAt: int(r['expires_at']),
    }),
    toApiToken: (r: Row): ApiToken => ({
      id: text(r['id']),
      hash: text(r['hash']),
      name: text(r['name']),
      owner: text(r['owner']),
      createdAt: int(r['created_at']),
      revokedAt: intOrNull(r['revoked_at']),
    }),
    toDraft: (r: Row): Draft => ({
      owner: text(r['owner']),
      base: intOrNull(r['base']),
      snapshot: storedSnapshot(columns.json(r['snapshot'])),
      version: int(r['version']),
      updatedAt: int(r['updated_at']),
    }),
  };
}
