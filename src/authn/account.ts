// The account page's use cases: who is signed in, the consents they gave, and editing their profile.
import type { Account, Session } from '../store/ports/index.ts';
import type { AuthnDeps } from './deps.ts';
import { type Asker, emailOf, type SendOutcome, sendVerification } from './email/verification.ts';
import { applyProfile } from './profile.ts';
import { findSession } from './sessions.ts';

/** The live session the cookie names and its account, when the account is not disabled. */
export async function signedIn(
  sessionToken: string | undefined,
  deps: Pick<AuthnDeps, 'sessions' | 'clock' | 'accounts'>,
): Promise<{ account: Account; session: Session } | undefined> {
  const session = await findSession(sessionToken, deps);
  const account = session && (await deps.accounts.findById(session.accountId));
  return account && !account.disabled ? { account, session: session! } : undefined;
}

/** The consents an account gave, each named by its client's display name. */
export async function consentsOf(
  account: Pick<Account, 'id'>,
  deps: Pick<AuthnDeps, 'consents' | 'clients'>,
): Promise<{ clientId: string; clientName: string; scope: string }[]> {
  const consents = await deps.consents.list(account.id);
  return Promise.all(
    consents.map(async (c) => ({
      clientId: c.clientId,
      // A client whose metadata document can no longer be fetched is still listed, by its client_id.
      clientName: (await deps.clients.find(c.clientId).catch(() => undefined))?.name ?? c.clientId,
      scope: c.scope,
    })),
  );
}

/**
 * Applies the profile form to the account's claims and saves them, or returns the field errors. A new email
 * address is unverified (applyProfile) and gets a verification link; `verification` says what became of it.
 */
export async function updateProfile(
  account: Account,
  form: Record<string, string>,
  deps: AuthnDeps,
  asker: Asker,
): Promise<{ ok: true; verification?: SendOutcome } | { ok: false; errors: Record<string, string> }> {
  const result = applyProfile(account.claims, form, deps.clock.nowSeconds());
  if (!result.ok) return result;
  await deps.accounts.updateClaims(account.id, result.claims);
  const updated = { ...account, claims: result.claims };
  const email = emailOf(updated);
  if (email === undefined || email === emailOf(account)) return { ok: true };
  return { ok: true, verification: await sendVerification(updated, asker, deps) };
}
