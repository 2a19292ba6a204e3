// The account page's second factors: what the account has, and the rule that keeps the last one a policy needs.

import type { Policy } from '../../config/policies.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { authenticatorType } from '../authenticators/index.ts';
import type { AuthnDeps } from '../deps.ts';
import { PERIOD } from '../totp/codes.ts';

/** One second factor as the page lists it. */
export interface FactorSummary {
  kind: 'totp' | 'passkey';
  /** The passkey's credential ID; 'totp' for the one authenticator app an account can have. */
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** The account's confirmed TOTP credential as a factor, with its unused recovery codes; undefined when none. */
export async function totpFactor(
  accountId: string,
  deps: Pick<AuthnDeps, 'totp'>,
): Promise<(FactorSummary & { recoveryCodesLeft: number }) | undefined> {
  const credential = await deps.totp.find(accountId);
  if (credential?.confirmedAt == null) return undefined;
  return {
    kind: 'totp',
    id: 'totp',
    name: 'Authenticator app',
    createdAt: credential.confirmedAt,
    // The last step accepted is the last code used (confirming counts): its 30 seconds began then.
    lastUsedAt: credential.lastStep > 0 ? credential.lastStep * PERIOD : null,
    recoveryCodesLeft: await deps.totp.recoveryCodesLeft(accountId),
  };
}

/** Whether the account has a usable credential of this second-factor authenticator. */
export async function enrolledIn(
  accountId: string,
  a: AuthenticatorConfig,
  deps: AuthnDeps,
): Promise<boolean> {
  const type = authenticatorType(a.type);
  return type !== undefined && type.role !== 'first' ? type.second.enrolled(accountId, a, deps) : false;
}

/**
 * The rule for removing a second factor (docs/authentication.md, "Account security"): refused when some
 * client in the configuration names a policy with a later step that the account meets now and could no
 * longer meet, because the factor being removed is its last alternative for that step. With `enrol: true` the user
 * would only be asked to enrol again at the next sign-in, without it they would be locked out; either
 * way the policy's second step would be gone for a while, so the page says which policy needs it.
 * `stillHas` answers, for a step's authenticator, whether the account keeps it after the removal.
 */
export async function policyNeeding(
  accountId: string,
  stillHas: (a: AuthenticatorConfig) => Promise<boolean>,
  deps: AuthnDeps,
): Promise<Policy | undefined> {
  const live = deps.config();
  const seen = new Set<string>();
  for (const client of live.clients.values()) {
    for (const policy of client.policies) {
      if (policy.implicit || seen.has(policy.id)) continue;
      seen.add(policy.id);
      for (const step of policy.steps.slice(1)) {
        const alternatives = step.flatMap((id) => live.authenticators.get(id) ?? []);
        let now = false;
        let after = false;
        for (const a of alternatives) {
          if (!now && (await enrolledIn(accountId, a, deps))) now = true;
          if (!after && (await stillHas(a))) after = true;
        }
        if (now && !after) return policy;
      }
    }
  }
  return undefined;
}

/** The refusal as the page says it. */
export const lastFactorMessage = (policy: Policy): string =>
  `You cannot remove this: signing in with "${policy.name}" needs a second factor, and this is your last one for it. Add another one first.`;
