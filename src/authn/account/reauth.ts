// Re-authentication before a sensitive change on the account page: a recent factor, or the current password.
import type { Account, Session } from '../../store/ports/index.ts';
import { checkCredentials } from '../accounts.ts';
import type { AuthnDeps } from '../deps.ts';
import { LoginThrottle } from '../throttle.ts';

/**
 * How recent the session's last factor must be for a sensitive change to go through without the password:
 * ten minutes, long enough to sign in and then change a setting, short enough that a browser left
 * unlocked for an afternoon cannot remove a factor or lock its owner out.
 */
export const REAUTH_SECONDS = 600;

/** When the session last proved who is there: its latest factor (a step-up counts), or its sign-in. */
export const lastProof = (session: Pick<Session, 'authTime' | 'factors'>): number =>
  Math.max(session.authTime, ...session.factors.map((f) => f.at));

export const isFresh = (session: Pick<Session, 'authTime' | 'factors'>, now: number): boolean =>
  now - lastProof(session) < REAUTH_SECONDS;

export type Reauth = 'ok' | 'needed' | 'wrong' | 'throttled';

/**
 * `ok` when the session is fresh (unless `always`) or `currentPassword` is the account's password. The
 * guess counts against the same throttle as the login form (per username and address), so this form
 * is no faster a way to guess a password than the login page.
 */
export async function reauthenticate(
  account: Pick<Account, 'id' | 'username'>,
  session: Pick<Session, 'authTime' | 'factors'>,
  currentPassword: string,
  address: string,
  deps: Pick<AuthnDeps, 'accounts' | 'clock' | 'throttle' | 'audit'>,
  options: { always?: boolean } = {},
): Promise<Reauth> {
  if (!options.always && isFresh(session, deps.clock.nowSeconds())) return 'ok';
  if (currentPassword === '') return 'needed';
  const throttle = new LoginThrottle(deps.clock, deps.throttle, 'login');
  if ((await throttle.blockedFor(account.username, address)) > 0) return 'throttled';
  const ok = await checkCredentials(account.username, currentPassword, deps.accounts);
  if (ok?.id === account.id) {
    await throttle.succeed(account.username, address);
    return 'ok';
  }
  await throttle.fail(account.username, address);
  await deps.audit.record({
    type: 'login.failed',
    accountId: account.id,
    address,
    detail: { factor: 'pwd', context: 'account_page' },
  });
  return 'wrong';
}

/** What the page says for each refusal. */
export const REAUTH_MESSAGES: Record<Exclude<Reauth, 'ok'>, string> = {
  needed: 'Enter your current password to confirm it is you.',
  wrong: 'That is not your current password.',
  throttled: 'Too many wrong passwords. Try again later.',
};
