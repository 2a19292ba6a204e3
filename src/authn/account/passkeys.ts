// Passkeys on the account page: listed with names and dates, renamed, removed (unless a policy needs the
// last one) and enrolled, through the passkey folder's use cases (authn/passkey/manage.ts).
import type { Policy } from '../../config/policies.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import type { Account, Session } from '../../store/ports/index.ts';
import { userVerificationOf } from '../authenticators/passkey/index.ts';
import type { AuthnDeps } from '../deps.ts';
import {
  finishPasskeyEnrolment,
  listPasskeys,
  removePasskey,
  renamePasskey,
  startPasskeyEnrolment,
} from '../passkey/manage.ts';
import { addFactor } from '../sessions.ts';
import { enrolledIn, type FactorSummary, policyNeeding } from './factors.ts';

/** The configured passkey authenticator the page enrols for (its user verification applies), if any. */
export function passkeyAuthenticator(deps: Pick<AuthnDeps, 'config'>): AuthenticatorConfig | undefined {
  for (const a of deps.config().authenticators.values()) if (a.type === 'passkey') return a;
  return undefined;
}

export async function passkeyFactors(
  accountId: string,
  deps: Pick<AuthnDeps, 'passkeys'>,
): Promise<(FactorSummary & { synced: boolean })[]> {
  return (await listPasskeys(accountId, deps)).map((p) => ({
    kind: 'passkey',
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    lastUsedAt: p.lastUsedAt,
    synced: p.backupEligible,
  }));
}

/** Renames one of the account's passkeys (not audited: a name is no security fact). */
export const renameAccountPasskey = (
  account: Pick<Account, 'id'>,
  id: string,
  name: string,
  deps: AuthnDeps,
) => renamePasskey(account.id, id, name, deps);

/** Removes one of the account's passkeys unless it is the last one a policy needs (factors.ts policyNeeding). */
export async function removeAccountPasskey(
  account: Pick<Account, 'id'>,
  id: string,
  address: string,
  deps: AuthnDeps,
): Promise<{ kind: 'ok' } | { kind: 'unknown' } | { kind: 'needed'; policy: Policy }> {
  const passkeys = await listPasskeys(account.id, deps);
  if (!passkeys.some((p) => p.id === id)) return { kind: 'unknown' };
  const others = passkeys.length - 1;
  const policy = await policyNeeding(
    account.id,
    async (a) => (a.type === 'passkey' ? others > 0 : await enrolledIn(account.id, a, deps)),
    deps,
  );
  if (policy) return { kind: 'needed', policy };
  const a = passkeyAuthenticator(deps);
  const removed = await removePasskey(account.id, id, deps, {
    address,
    ...(a ? { authenticator: a.id } : {}),
  });
  return removed ? { kind: 'ok' } : { kind: 'unknown' };
}

/** The options for the browser's create() call, or undefined when no passkey authenticator is configured. */
export async function startAccountPasskey(account: Account, deps: AuthnDeps) {
  const a = passkeyAuthenticator(deps);
  return a && startPasskeyEnrolment(account, userVerificationOf(a), deps);
}

/** Checks and stores the new passkey; it was just used with the browser, so the session gains it as a factor. */
export async function finishAccountPasskey(
  account: Pick<Account, 'id'>,
  session: Pick<Session, 'idHash'>,
  input: { response: string; name: string; handle: string | undefined; address: string },
  deps: AuthnDeps,
): Promise<{ kind: 'ok' } | { kind: 'rejected'; error: string }> {
  const a = passkeyAuthenticator(deps);
  if (!a) return { kind: 'rejected', error: 'Passkeys are not offered here.' };
  const result = await finishPasskeyEnrolment(
    {
      accountId: account.id,
      ...input,
      userVerification: userVerificationOf(a),
      authenticator: a.id,
    },
    deps,
  );
  if (result.kind !== 'ok') return { kind: 'rejected', error: result.error };
  await addFactor(session, { authenticator: a.id, amr: result.amr }, deps);
  return { kind: 'ok' };
}
