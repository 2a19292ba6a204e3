// An upstream identity not linked yet, after the callback: the person creates a new account (when the provider
// may make them) or proves an existing one with its username and password, which links it. Never by email.
import type { PendingIdentity, UpstreamLogin } from '../../../store/ports/index.ts';
import { checkCredentials } from '../../accounts.ts';
import type { AuthnDeps } from '../../deps.ts';
import { NO_PASSWORD } from '../../passwords.ts';
import { LoginThrottle } from '../../throttle.ts';
import type { Attempt, LoginOutcome } from '../types.ts';
import { usernameCandidates } from './claims.ts';
import { handleHash } from './login-state.ts';
import type { FinishOutcome } from './outcomes.ts';
import type { OidcAuthenticator } from './providers.ts';
import { signedIn, signInLinked } from './sign-in.ts';

type Pending = UpstreamLogin & { pending: PendingIdentity };

/** The pending login this browser's cookie names, for `a`, if it is still waiting. */
export async function pendingLogin(
  a: OidcAuthenticator,
  handle: string | undefined,
  deps: AuthnDeps,
): Promise<Pending | undefined> {
  const hash = handleHash(handle);
  const found = hash && (await deps.upstream.findPending(hash, deps.clock.nowSeconds()));
  return found && found.authenticator === a.id && found.pending ? (found as Pending) : undefined;
}

/** Takes the pending login once, so it is acted on once. */
async function takePending(a: OidcAuthenticator, handle: string | undefined, deps: AuthnDeps) {
  const hash = handleHash(handle);
  const found = hash && (await deps.upstream.takePending(hash, deps.clock.nowSeconds()));
  return found && found.authenticator === a.id && found.pending ? (found as Pending) : undefined;
}

const identityOf = (a: OidcAuthenticator, p: PendingIdentity, accountId: string, now: number) => ({
  issuer: p.issuer,
  subject: p.subject,
  accountId,
  authenticator: a.id,
  createdAt: now,
  lastUsedAt: now,
});

/** Just-in-time: a new account, with no password anyone can use, linked to the upstream identity. */
export async function createLinkedAccount(
  a: OidcAuthenticator,
  handle: string | undefined,
  attempt: Attempt,
  deps: AuthnDeps,
): Promise<FinishOutcome> {
  if (!a.create_accounts) return { kind: 'failed', reason: 'closed' };
  const login = await takePending(a, handle, deps);
  if (!login) return { kind: 'failed', reason: 'unknown_login' };
  const where = { returnTo: login.returnTo, policy: login.policy };
  const p = login.pending;
  const now = deps.clock.nowSeconds();
  for (const username of usernameCandidates(p.username, () => deps.random.token(4).toLowerCase())) {
    const account = {
      // The username is the subject identifier, as for registered accounts (accounts.ts registerAccount).
      id: username,
      username,
      passwordHash: NO_PASSWORD,
      claims: { preferred_username: username, ...p.claims },
      createdAt: now,
    };
    const result = await deps.upstream.createLinkedAccount(account, identityOf(a, p, username, now));
    if (result === 'username_taken') continue;
    if (result === 'identity_taken') {
      // Linked meanwhile (the same person in another tab): that account is the one to sign in.
      const identity = await deps.upstream.findIdentity(p.issuer, p.subject);
      if (!identity) return { kind: 'failed', reason: 'taken', ...where };
      return signInLinked(identity, a, p, where, attempt, deps);
    }
    attempt.log.info({ event: 'account_created', authenticator: a.id }, 'account created');
    await deps.audit.record({
      type: 'account.created',
      accountId: username,
      address: attempt.address,
      detail: { factor: a.id },
    });
    await deps.audit.record({
      type: 'identity.linked',
      accountId: username,
      address: attempt.address,
      detail: { factor: a.id, context: 'new_account' },
    });
    return signedIn({ ...account, disabled: false }, a, p, where.returnTo, attempt, deps);
  }
  return { kind: 'failed', reason: 'taken', ...where };
}

export type LinkOutcome =
  | FinishOutcome
  /** The username and password were not right, or too many tries: the form again, as at the login page. */
  | Extract<LoginOutcome, { kind: 'throttled' | 'rejected' }>;

/**
 * Links the upstream identity to the account whose username and password the person gives, then signs it in.
 * The same throttle, audit events and one message for every wrong answer as the html-form login, so this form
 * is no faster way to guess a password and never says whether an account exists.
 */
export async function linkExistingAccount(
  a: OidcAuthenticator,
  handle: string | undefined,
  form: { username: string; password: string },
  attempt: Attempt,
  deps: AuthnDeps,
): Promise<LinkOutcome> {
  if (!(await pendingLogin(a, handle, deps))) return { kind: 'failed', reason: 'unknown_login' };
  const { address, log } = attempt;
  const username = form.username.trim();
  const values = { username };
  const throttle = new LoginThrottle(deps.clock, deps.throttle, 'login');
  const known = async () => (await deps.accounts.findByUsername(username))?.id;
  const detail = { factor: a.id, context: 'link' };
  const wait = await throttle.blockedFor(username, address);
  if (wait > 0) {
    log.warn({ event: 'login_throttled', authenticator: a.id }, 'login throttled');
    await deps.audit.record({ type: 'login.throttled', accountId: await known(), address, detail });
    return {
      kind: 'throttled',
      retryAfter: wait,
      error: 'Too many failed attempts. Try again later.',
      values,
    };
  }
  const account = await checkCredentials(username, form.password, deps.accounts);
  if (!account) {
    await throttle.fail(username, address);
    log.info({ event: 'login_failed', authenticator: a.id }, 'login failed');
    await deps.audit.record({ type: 'login.failed', accountId: await known(), address, detail });
    deps.countLogin('failure');
    return { kind: 'rejected', error: 'Incorrect username or password.', values };
  }
  await throttle.succeed(username, address);
  const login = await takePending(a, handle, deps);
  if (!login) return { kind: 'failed', reason: 'unknown_login' };
  const where = { returnTo: login.returnTo, policy: login.policy };
  const p = login.pending;
  const now = deps.clock.nowSeconds();
  if (!(await deps.upstream.link(identityOf(a, p, account.id, now)))) {
    const linked = await deps.upstream.findIdentity(p.issuer, p.subject);
    if (linked?.accountId !== account.id) return { kind: 'failed', reason: 'taken', ...where };
  } else {
    log.info({ event: 'identity_linked', authenticator: a.id }, 'upstream identity linked');
    await deps.audit.record({ type: 'identity.linked', accountId: account.id, address, detail });
  }
  return signedIn(account, a, p, where.returnTo, attempt, deps);
}
