// TOTP on the account page: enrol (QR code, key, a first code), remove, and new recovery codes, each audited.

import type { Policy } from '../../config/policies.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import type { Account, Session } from '../../store/ports/index.ts';
import type { AuthnDeps } from '../deps.ts';
import { addFactor } from '../sessions.ts';
import {
  confirmTotpEnrolment,
  hasTotp,
  regenerateRecoveryCodes,
  removeTotp,
  startTotpEnrolment,
  type TotpEnrolment,
} from '../totp/manage.ts';
import { enrolledIn, policyNeeding } from './factors.ts';

/** The configured TOTP authenticator the page enrols for (its issuer names the account in the app), if any. */
export function totpAuthenticator(deps: Pick<AuthnDeps, 'config'>): AuthenticatorConfig | undefined {
  for (const a of deps.config().authenticators.values()) if (a.type === 'totp') return a;
  return undefined;
}

/** Starts or resumes enrolment; undefined when TOTP is not configured or the account already has it. */
export async function startAccountTotp(
  account: Pick<Account, 'id' | 'username'>,
  deps: AuthnDeps,
): Promise<TotpEnrolment | undefined> {
  const a = totpAuthenticator(deps);
  if (a?.type !== 'totp') return undefined;
  return startTotpEnrolment(account, a.issuer, deps);
}

export type ConfirmResult =
  | { kind: 'ok'; recoveryCodes: string[] }
  | { kind: 'rejected' }
  | { kind: 'throttled'; retryAfter: number };

/** Confirms with a code from the app; the code proves the factor, so the session gains it as a step-up would. */
export async function confirmAccountTotp(
  account: Pick<Account, 'id'>,
  session: Pick<Session, 'idHash'>,
  code: string,
  address: string,
  deps: AuthnDeps,
): Promise<ConfirmResult> {
  const a = totpAuthenticator(deps);
  if (!a) return { kind: 'rejected' };
  const result = await confirmTotpEnrolment(account.id, code, address, deps);
  if (result.kind !== 'ok') return result;
  await deps.audit.record({
    type: 'factor.enrolled',
    accountId: account.id,
    address,
    detail: { factor: 'otp', authenticator: a.id, context: 'account_page' },
  });
  // RFC 8176 §2 "otp": the same factor the TOTP step adds.
  await addFactor(session, { authenticator: a.id, amr: ['otp'] }, deps);
  return result;
}

/** Removes TOTP unless a policy needs it (factors.ts policyNeeding); `none` when there was none. */
export async function removeAccountTotp(
  account: Pick<Account, 'id'>,
  address: string,
  deps: AuthnDeps,
): Promise<{ kind: 'ok' } | { kind: 'none' } | { kind: 'needed'; policy: Policy }> {
  if (!(await hasTotp(account.id, deps))) return { kind: 'none' };
  const policy = await policyNeeding(
    account.id,
    async (a) => a.type !== 'totp' && (await enrolledIn(account.id, a, deps)),
    deps,
  );
  if (policy) return { kind: 'needed', policy };
  if (!(await removeTotp(account.id, deps))) return { kind: 'none' };
  await deps.audit.record({
    type: 'factor.removed',
    accountId: account.id,
    address,
    detail: { factor: 'otp', context: 'account_page' },
  });
  return { kind: 'ok' };
}

/** Ten new recovery codes (the old ones stop working), shown once; undefined without TOTP. */
export async function newAccountRecoveryCodes(
  account: Pick<Account, 'id'>,
  address: string,
  deps: AuthnDeps,
): Promise<string[] | undefined> {
  const codes = await regenerateRecoveryCodes(account.id, deps);
  if (codes)
    await deps.audit.record({
      type: 'recovery_codes.regenerated',
      accountId: account.id,
      address,
      detail: { count: codes.length },
    });
  return codes;
}
