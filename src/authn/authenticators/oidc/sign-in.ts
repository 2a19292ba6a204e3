// Signing in the account an upstream identity is linked to: its mapped claims refreshed, the session carrying
// the authenticator with the trusted upstream's amr and acr (or Tessera's own acr), and the audit event.
import { acrFor } from '../../../config/acr.ts';
import type { Account, PendingIdentity, UpstreamIdentity } from '../../../store/ports/index.ts';
import type { AuthnDeps } from '../../deps.ts';
import { startSession } from '../../sessions.ts';
import type { Attempt } from '../types.ts';
import { refreshedClaims } from './claims.ts';
import type { FinishOutcome } from './outcomes.ts';
import type { OidcAuthenticator } from './providers.ts';

/** What the upstream said at this login, as the session and the profile use it. */
export type Upstream = Pick<PendingIdentity, 'issuer' | 'subject' | 'claims' | 'amr' | 'acr'>;

/** Starts the session for `account`, signed in through `a` with what the upstream reported. */
export async function startUpstreamSession(
  account: Pick<Account, 'id'>,
  a: OidcAuthenticator,
  upstream: Pick<Upstream, 'amr' | 'acr'>,
  attempt: Attempt,
  deps: AuthnDeps,
): Promise<string> {
  return startSession(
    {
      accountId: account.id,
      authenticator: a.id,
      // Only a trusted upstream's acr (claims.ts upstreamAuthentication); else the authenticator's own.
      acr: upstream.acr ?? acrFor(a),
      lifetime: deps.sessionLifetime,
      amr: upstream.amr,
      address: attempt.address,
      userAgent: attempt.userAgent,
    },
    deps,
  );
}

/** The login succeeded for `account`: the audit event, the metric, the session. */
export async function signedIn(
  account: Account,
  a: OidcAuthenticator,
  upstream: Upstream,
  returnTo: string,
  attempt: Attempt,
  deps: AuthnDeps,
): Promise<FinishOutcome> {
  const now = deps.clock.nowSeconds();
  const claims = refreshedClaims(account.claims, upstream.claims, now);
  if (claims !== account.claims) await deps.accounts.updateClaims(account.id, claims);
  await deps.upstream.recordUse(upstream.issuer, upstream.subject, now);
  attempt.log.info({ event: 'login_succeeded', authenticator: a.id }, 'login succeeded');
  await deps.audit.record({
    type: 'login.succeeded',
    accountId: account.id,
    address: attempt.address,
    detail: { factor: a.id },
  });
  deps.countLogin('success');
  const token = await startUpstreamSession(account, a, upstream, attempt, deps);
  return { kind: 'ok', token, accountId: account.id, returnTo };
}

/** A known identity signs in its account, unless the account is disabled. */
export async function signInLinked(
  identity: UpstreamIdentity,
  a: OidcAuthenticator,
  upstream: Upstream,
  where: { returnTo: string; policy: string },
  attempt: Attempt,
  deps: AuthnDeps,
): Promise<FinishOutcome> {
  const account = await deps.accounts.findById(identity.accountId);
  if (!account || account.disabled) {
    attempt.log.info({ event: 'login_failed', authenticator: a.id, reason: 'disabled' }, 'login failed');
    await deps.audit.record({
      type: 'login.failed',
      accountId: identity.accountId,
      address: attempt.address,
      detail: { factor: a.id, reason: 'disabled' },
    });
    deps.countLogin('failure');
    return { kind: 'failed', reason: 'disabled', ...where };
  }
  return signedIn(account, a, upstream, where.returnTo, attempt, deps);
}
