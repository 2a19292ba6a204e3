// Self-service registration on the html-form authenticator: create the account, then log it in (or, where logins
// need a verified email address, send the link and wait for it).

import { acrFor } from '../../../config/acr.ts';
import { registerAccount } from '../../accounts.ts';
import type { AuthnDeps } from '../../deps.ts';
import { sendVerification } from '../../email/verification.ts';
import { startSession } from '../../sessions.ts';
import type { Attempt, RegisterOutcome, Values } from '../types.ts';
import { htmlFormAmr } from './amr.ts';

export async function register(form: Values, attempt: Attempt, deps: AuthnDeps): Promise<RegisterOutcome> {
  const { authenticator, address, log } = attempt;
  const verify = authenticator.type === 'html-form' && authenticator.require_verified_email === true;
  const result = await registerAccount(
    {
      username: (form['username'] ?? '').trim(),
      password: form['password'] ?? '',
      name: (form['name'] ?? '').trim(),
      email: (form['email'] ?? '').trim(),
      emailRequired: verify,
    },
    deps.accounts,
    deps.clock,
  );
  if (!result.ok) {
    // The form comes back as typed, untrimmed, without the password.
    const { password: _secret, ...values } = form;
    return { kind: 'invalid', errors: result.errors, values };
  }
  log.info({ event: 'account_created', authenticator: authenticator.id }, 'account created');
  await deps.audit.record({
    type: 'account.created',
    accountId: result.account.id,
    address,
    detail: { factor: authenticator.id },
  });
  if (verify) {
    const sent = await sendVerification(result.account, attempt, deps);
    return { kind: 'verify-email', accountId: result.account.id, authTime: deps.clock.nowSeconds(), sent };
  }
  const token = await startSession(
    {
      accountId: result.account.id,
      authenticator: authenticator.id,
      acr: acrFor(authenticator),
      lifetime: deps.sessionLifetime,
      amr: htmlFormAmr,
      address: attempt.address,
      userAgent: attempt.userAgent,
    },
    deps,
  );
  return { kind: 'ok', token, accountId: result.account.id };
}
