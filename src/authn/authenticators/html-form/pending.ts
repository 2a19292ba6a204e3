// A login waiting for its email address to be verified (html-form require_verified_email): what the browser keeps
// (in a signed cookie, http/) and how the login completes once the link was used, without asking the password again.

import { acrFor } from '../../../config/acr.ts';
import { sha256 } from '../../../shared/crypto.ts';
import type { Account } from '../../../store/ports/index.ts';
import type { AuthnDeps } from '../../deps.ts';
import { emailVerified } from '../../email/verification.ts';
import { startSession } from '../../sessions.ts';
import type { Attempt } from '../types.ts';
import { htmlFormAmr } from './amr.ts';

/** An hour: long enough to find the message, short enough that a forgotten tab does not stay half signed in. */
export const PENDING_LIFETIME = 3600;

export interface PendingLogin {
  accountId: string;
  /** The html-form authenticator the password was checked by. */
  authenticator: string;
  /** When the password was checked: the session's auth_time. */
  authTime: number;
  /** Ties the pending login to the password it proved: a password changed meanwhile voids it. */
  proof: string;
}

export const passwordProof = (account: Pick<Account, 'passwordHash'>): string =>
  sha256(`tessera-pending-login\u0000${account.passwordHash}`).slice(0, 22);

export function pendingLogin(account: Account, authenticator: string, authTime: number): PendingLogin {
  return { accountId: account.id, authenticator, authTime, proof: passwordProof(account) };
}

export type ResumeOutcome =
  /** Verified: a new SSO session, whose cookie value is `token`. */
  | { kind: 'ok'; token: string; accountId: string }
  /** Still waiting for the link; `account` for the page (its address, masked). */
  | { kind: 'unverified'; account: Account }
  /** Too old, the account gone or disabled, the password changed, the authenticator no longer there: log in again. */
  | { kind: 'expired' };

/** The pending login's account, while the pending login still stands. */
export async function pendingAccount(pending: PendingLogin, deps: AuthnDeps): Promise<Account | undefined> {
  const now = deps.clock.nowSeconds();
  if (pending.authTime > now || now - pending.authTime > PENDING_LIFETIME) return undefined;
  const account = await deps.accounts.findById(pending.accountId);
  if (!account || account.disabled || passwordProof(account) !== pending.proof) return undefined;
  return account;
}

/** Completes the login once the account's address is verified: the session starts with the password's auth_time. */
export async function resumeLogin(
  pending: PendingLogin,
  attempt: Omit<Attempt, 'authenticator'>,
  deps: AuthnDeps,
): Promise<ResumeOutcome> {
  const authenticator = deps.config().authenticators.get(pending.authenticator);
  const account = await pendingAccount(pending, deps);
  if (!account || authenticator?.type !== 'html-form') return { kind: 'expired' };
  if (authenticator.require_verified_email && !emailVerified(account)) return { kind: 'unverified', account };
  attempt.log.info({ event: 'login_succeeded', authenticator: authenticator.id }, 'login succeeded');
  await deps.audit.record({
    type: 'login.succeeded',
    accountId: account.id,
    address: attempt.address,
    detail: { factor: authenticator.id },
  });
  deps.countLogin('success');
  const token = await startSession(
    {
      accountId: account.id,
      authenticator: authenticator.id,
      acr: acrFor(authenticator),
      lifetime: deps.sessionLifetime,
      amr: htmlFormAmr,
      address: attempt.address,
      userAgent: attempt.userAgent,
      authTime: pending.authTime,
    },
    deps,
  );
  return { kind: 'ok', token, accountId: account.id };
}
