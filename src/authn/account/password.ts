// Changing the password on the account page: the current password first, argon2id as at registration,
// and every other session of the account ended.
import type { Account, Session } from '../../store/ports/index.ts';
import { MAX_PASSWORD, MIN_PASSWORD } from '../accounts.ts';
import type { AuthnDeps } from '../deps.ts';
import { hashPassword } from '../passwords.ts';
import { REAUTH_MESSAGES, reauthenticate } from './reauth.ts';
import { endOtherSessions } from './sessions.ts';

export interface PasswordForm {
  current: string;
  next: string;
  confirm: string;
}

export type PasswordErrors = Partial<
  Record<'current_password' | 'new_password' | 'confirm_password', string>
>;

export type PasswordResult =
  | { kind: 'ok'; sessionsEnded: number }
  | { kind: 'invalid'; errors: PasswordErrors; throttled: boolean };

/**
 * The current password is asked for every time, however fresh the session: a password change is the one
 * change that can lock the owner out, so a browser left open must not be enough. Other sessions end
 * (and their grants without offline_access, as at logout): a password is changed most often because
 * someone else may know it, and their sessions should not outlive it. This session stays.
 */
export async function changePassword(
  account: Pick<Account, 'id' | 'username'>,
  session: Pick<Session, 'idHash' | 'authTime' | 'factors'>,
  form: PasswordForm,
  address: string,
  deps: AuthnDeps,
): Promise<PasswordResult> {
  const errors: PasswordErrors = {};
  if (form.next.length < MIN_PASSWORD) errors.new_password = `Use at least ${MIN_PASSWORD} characters.`;
  else if (form.next.length > MAX_PASSWORD) errors.new_password = `Use at most ${MAX_PASSWORD} characters.`;
  else if (form.confirm !== form.next) errors.confirm_password = 'The two new passwords are not the same.';
  // The password is checked even when the new one is unusable, so the answer never depends on which is wrong first.
  const reauth = await reauthenticate(account, session, form.current, address, deps, { always: true });
  if (reauth !== 'ok') errors.current_password = REAUTH_MESSAGES[reauth];
  else if (errors.new_password === undefined && form.next === form.current)
    errors.new_password = 'Choose a password different from your current one.';
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors, throttled: reauth === 'throttled' };
  await deps.accounts.setPasswordHash(account.id, await hashPassword(form.next));
  const sessionsEnded = await endOtherSessions(account, session, deps);
  await deps.audit.record({
    type: 'password.changed',
    accountId: account.id,
    address,
    detail: { context: 'account_page', sessions_ended: sessionsEnded },
  });
  return { kind: 'ok', sessionsEnded };
}
