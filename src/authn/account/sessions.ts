// The account's SSO sessions on the account page: listed by browser, address and times, and ended one by one.
import { sha256 } from '../../shared/crypto.ts';
import type { Account, Session } from '../../store/ports/index.ts';
import type { AuthnDeps } from '../deps.ts';
import { browserName } from './browser-name.ts';

export interface SessionSummary {
  /** Names the session in the page's forms: derived from the stored hash, so it is neither the cookie nor the key. */
  handle: string;
  browser: string;
  address: string;
  createdAt: number;
  lastSeen: number;
  current: boolean;
}

const handleOf = (session: Pick<Session, 'idHash'>) =>
  sha256(`tessera-session-handle\u0000${session.idHash}`).slice(0, 32);

/** The account's live sessions, most recently seen first, the one asking marked. */
export async function sessionsOf(
  account: Pick<Account, 'id'>,
  current: Pick<Session, 'idHash'>,
  deps: Pick<AuthnDeps, 'sessions' | 'clock'>,
): Promise<SessionSummary[]> {
  const sessions = await deps.sessions.listByAccount(account.id, deps.clock.nowSeconds());
  return sessions.map((s) => ({
    handle: handleOf(s),
    browser: browserName(s.userAgent),
    address: s.address,
    createdAt: s.createdAt,
    lastSeen: s.lastSeen,
    current: s.idHash === current.idHash,
  }));
}

/** Deletes one session of the account and revokes its grants without offline_access, as logout does (sessions.ts). */
async function end(
  accountId: string,
  idHash: string,
  deps: Pick<AuthnDeps, 'sessions' | 'grants' | 'clock'>,
): Promise<number | undefined> {
  if (!(await deps.sessions.deleteForAccount(accountId, idHash))) return undefined;
  return deps.grants.revokeSessionGrants(idHash, deps.clock.nowSeconds());
}

/**
 * Ends the session the handle names, looked up among this account's own sessions only: a handle of
 * another account's session (or made up) finds nothing and ends nothing.
 */
export async function endAccountSession(
  account: Pick<Account, 'id'>,
  handle: string,
  current: Pick<Session, 'idHash'>,
  address: string,
  deps: Pick<AuthnDeps, 'sessions' | 'grants' | 'clock' | 'audit'>,
): Promise<{ kind: 'ended'; current: boolean } | { kind: 'unknown' }> {
  const sessions = await deps.sessions.listByAccount(account.id, deps.clock.nowSeconds());
  const target = sessions.find((s) => handleOf(s) === handle);
  const revoked = target && (await end(account.id, target.idHash, deps));
  if (!target || revoked === undefined) return { kind: 'unknown' };
  const isCurrent = target.idHash === current.idHash;
  await deps.audit.record({
    type: 'session.ended',
    accountId: account.id,
    address,
    detail: { reason: 'account_page', current: isCurrent, grants_revoked: revoked },
  });
  return { kind: 'ended', current: isCurrent };
}

/** Ends every session of the account but `keep` (after a password change); returns how many ended. */
export async function endOtherSessions(
  account: Pick<Account, 'id'>,
  keep: Pick<Session, 'idHash'>,
  deps: Pick<AuthnDeps, 'sessions' | 'grants' | 'clock'>,
): Promise<number> {
  const sessions = await deps.sessions.listByAccount(account.id, deps.clock.nowSeconds());
  let ended = 0;
  for (const s of sessions)
    if (s.idHash !== keep.idHash && (await end(account.id, s.idHash, deps)) !== undefined) ended++;
  return ended;
}
