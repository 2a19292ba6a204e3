// The html-form login: throttle, credential check, session start, and the audit events, as one use case.

import { acrFor } from '../../../config/acr.ts';
import { checkCredentials } from '../../accounts.ts';
import type { AuthnDeps } from '../../deps.ts';
import { emailVerified, sendVerification } from '../../email/verification.ts';
import { startSession } from '../../sessions.ts';
import { LoginThrottle } from '../../throttle.ts';
import type { Attempt, LoginOutcome, Values } from '../types.ts';
import { htmlFormAmr } from './amr.ts';

export async function login(form: Values, attempt: Attempt, deps: AuthnDeps): Promise<LoginOutcome> {
  const { authenticator, address, log } = attempt;
  const username = (form['username'] ?? '').trim();
  const values = { username };
  const throttle = new LoginThrottle(deps.clock, deps.throttle, 'login');
  const wait = await throttle.blockedFor(username, address);
  // The audit names the account tried when there is one; an unknown username (perhaps a mistyped password) is never kept.
  const known = async () => (await deps.accounts.findByUsername(username))?.id;
  const factor = { factor: authenticator.id };
  if (wait > 0) {
    log.warn({ event: 'login_throttled', authenticator: authenticator.id }, 'login throttled');
    await deps.audit.record({ type: 'login.throttled', accountId: await known(), address, detail: factor });
    return {
      kind: 'throttled',
      retryAfter: wait,
      error: 'Too many failed attempts. Try again later.',
      values,
    };
  }
  const account = await checkCredentials(username, form['password'] ?? '', deps.accounts);
  if (!account) {
    await throttle.fail(username, address);
    log.info({ event: 'login_failed', authenticator: authenticator.id }, 'login failed');
    await deps.audit.record({ type: 'login.failed', accountId: await known(), address, detail: factor });
    deps.countLogin('failure');
    // One message for an unknown user and a wrong password: no account enumeration.
    return { kind: 'rejected', error: 'Incorrect username or password.', values };
  }
  await throttle.succeed(username, address);
  if (authenticator.type === 'html-form' && authenticator.require_verified_email && !emailVerified(account)) {
    // The password was right; the login completes once the address is verified (authn/email/verification.ts).
    log.info(
      { event: 'login_needs_verified_email', authenticator: authenticator.id },
      'login waits for email',
    );
    const sent = await sendVerification(account, attempt, deps, { auto: true });
    return { kind: 'verify-email', accountId: account.id, authTime: deps.clock.nowSeconds(), sent };
  }
  log.info({ event: 'login_succeeded', authenticator: authenticator.id }, 'login succeeded');
  await deps.audit.record({ type: 'login.succeeded', accountId: account.id, address, detail: factor });
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
    },
    deps,
  );
  return { kind: 'ok', token, accountId: account.id };
}
