// The account page's sign-ins through other providers: the linked identities, and unlinking one, which is
// refused when it is the account's last way to sign in.
import { sha256 } from '../../shared/crypto.ts';
import type { Account, UpstreamIdentity } from '../../store/ports/index.ts';
import { passwordlessOf } from '../authenticators/passkey/index.ts';
import type { AuthnDeps } from '../deps.ts';
import { hasPassword } from '../passwords.ts';

/** One linked sign-in as the page lists it. */
export interface LinkedSignIn {
  /** Names the link in the unlink form's path: a hash, so the upstream's identifiers never shape a URL. */
  handle: string;
  /** The provider's name (its authenticator's), or its issuer when that authenticator is gone. */
  provider: string;
  createdAt: number;
  lastUsedAt: number | null;
}

const handleOf = (i: Pick<UpstreamIdentity, 'issuer' | 'subject'>) =>
  sha256(JSON.stringify([i.issuer, i.subject])).slice(0, 22);

/** Whether any oidc authenticator is configured: the page lists linked sign-ins only then or when there are some. */
export const upstreamOffered = (deps: Pick<AuthnDeps, 'config'>): boolean =>
  [...deps.config().authenticators.values()].some((a) => a.type === 'oidc');

export async function linkedSignIns(
  account: Pick<Account, 'id'>,
  deps: Pick<AuthnDeps, 'upstream' | 'config'>,
): Promise<LinkedSignIn[]> {
  const authenticators = deps.config().authenticators;
  return (await deps.upstream.listIdentities(account.id)).map((i) => {
    const a = authenticators.get(i.authenticator);
    return {
      handle: handleOf(i),
      provider: a?.type === 'oidc' ? a.name : i.issuer,
      createdAt: i.createdAt,
      lastUsedAt: i.lastUsedAt,
    };
  });
}

/**
 * The ways the account can still sign in, besides `except`: its password (when a password form is offered), its
 * passkeys (when passkeys sign in alone), and its other links to providers still configured.
 */
export async function otherWaysIn(
  account: Account,
  except: UpstreamIdentity,
  deps: AuthnDeps,
): Promise<boolean> {
  const authenticators = [...deps.config().authenticators.values()];
  if (hasPassword(account.passwordHash) && authenticators.some((a) => a.type === 'html-form')) return true;
  if (
    authenticators.some((a) => passwordlessOf(a)) &&
    (await deps.passkeys.listByAccount(account.id)).length > 0
  )
    return true;
  const live = new Set(authenticators.filter((a) => a.type === 'oidc').map((a) => a.id));
  return (await deps.upstream.listIdentities(account.id)).some(
    (i) => (i.issuer !== except.issuer || i.subject !== except.subject) && live.has(i.authenticator),
  );
}

export type UnlinkResult = 'ok' | 'unknown' | 'last';

/** Unlinks one of the account's sign-ins (named by its handle), unless it is the last way in. */
export async function unlinkSignIn(
  account: Account,
  handle: string,
  address: string,
  deps: AuthnDeps,
): Promise<UnlinkResult> {
  const identity = (await deps.upstream.listIdentities(account.id)).find((i) => handleOf(i) === handle);
  if (!identity) return 'unknown';
  if (!(await otherWaysIn(account, identity, deps))) return 'last';
  if (!(await deps.upstream.unlink(account.id, identity.issuer, identity.subject))) return 'unknown';
  await deps.audit.record({
    type: 'identity.unlinked',
    accountId: account.id,
    address,
    detail: { factor: identity.authenticator, context: 'account_page' },
  });
  return 'ok';
}

/** The refusal as the page says it. */
export const LAST_SIGN_IN_MESSAGE =
  'You cannot unlink this: it is your only way to sign in. Add another way to sign in first.';
