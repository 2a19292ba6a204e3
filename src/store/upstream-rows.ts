// Row mappers for the upstream tables, shared by both SQL engines (pending arrives as TEXT in SQLite, parsed in pg).
import type { PendingIdentity, UpstreamIdentity, UpstreamLogin } from './ports/index.ts';
import { int, intOrNull, type Row } from './rows.ts';

export type { Row } from './rows.ts';

export const IDENTITY_COLUMNS = 'issuer, subject, account_id, authenticator, created_at, last_used_at';

/** The columns of a new identity, in the order of IDENTITY_COLUMNS. */
export const identityValues = (i: UpstreamIdentity): unknown[] => [
  i.issuer,
  i.subject,
  i.accountId,
  i.authenticator,
  i.createdAt,
  i.lastUsedAt,
];

export const toIdentity = (r: Row): UpstreamIdentity => ({
  issuer: r['issuer'] as string,
  subject: r['subject'] as string,
  accountId: r['account_id'] as string,
  authenticator: r['authenticator'] as string,
  createdAt: int(r['created_at']),
  lastUsedAt: intOrNull(r['last_used_at']),
});

export const LOGIN_COLUMNS = 'handle_hash, authenticator, return_to, policy, expires_at, pending';

/** The columns of a login, in the order of LOGIN_COLUMNS; `pending` as JSON text (pg casts it to jsonb). */
export const loginValues = (l: UpstreamLogin): unknown[] => [
  l.handleHash,
  l.authenticator,
  l.returnTo,
  l.policy,
  l.expiresAt,
  l.pending === null ? null : JSON.stringify(l.pending),
];

export const toLogin = (r: Row): UpstreamLogin => {
  const pending = r['pending'];
  return {
    handleHash: r['handle_hash'] as string,
    authenticator: r['authenticator'] as string,
    returnTo: r['return_to'] as string,
    policy: r['policy'] as string,
    expiresAt: int(r['expires_at']),
    pending:
      pending === null || pending === undefined
        ? null
        : ((typeof pending === 'string' ? JSON.parse(pending) : pending) as PendingIdentity),
  };
};
