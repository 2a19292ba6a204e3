// Authentication policies as the hot paths read them, and the pure rules over a session's factors:
// which steps it satisfies, and the RFC 8176 amr values it has earned.
import { acrFor } from './acr.ts';
import { type AuthenticatorConfig, factorRole, type PolicyConfig, policyAcr } from './schema.ts';

export interface Policy {
  /** The configured id, or `@<authenticator>` for the one-step policy a client without policies gets. */
  readonly id: string;
  readonly name: string;
  readonly acr: string;
  /** Steps in order, each a list of alternative authenticator ids. */
  readonly steps: readonly (readonly string[])[];
  readonly enrol: boolean;
  /** True for the one-step policy made from a client's `authenticator`. */
  readonly implicit: boolean;
}

/** A factor a session holds (store/ports/sessions.ts SessionFactor, structurally). */
export interface FactorLike {
  readonly authenticator: string;
  readonly amr: readonly string[];
}

export function compilePolicy(p: PolicyConfig): Policy {
  return {
    id: p.id,
    name: p.name ?? p.id,
    acr: policyAcr(p),
    steps: p.steps,
    enrol: p.enrol,
    implicit: false,
  };
}

/** A client without policies: its authenticator alone, with exactly the acr sessions carried before policies. */
export function implicitPolicy(authenticator: Pick<AuthenticatorConfig, 'id' | 'type'>): Policy {
  return {
    id: `@${authenticator.id}`,
    name: authenticator.id,
    acr: acrFor(authenticator),
    steps: [[authenticator.id]],
    enrol: false,
    implicit: true,
  };
}

/** Authenticators that can make a session: the implicit policies discovery lists besides the configured ones. */
export const firstFactorAuthenticators = (authenticators: Iterable<AuthenticatorConfig>) =>
  [...authenticators].filter((a) => factorRole(a.type) !== 'second');

export type Satisfaction =
  /** Every step is met: issue with the policy's acr and these amr values. */
  | { kind: 'complete'; amr: string[] }
  /** The first `step` steps are met by this session; the user needs step `step` only. */
  | { kind: 'partial'; step: number }
  /** The session's first factor is not one the first step accepts: a new login is needed. */
  | { kind: 'login' };

/**
 * Whether a session's factors meet the policy. The first factor must be one of step 0's alternatives;
 * each later step is met by any factor of the session among its alternatives.
 */
export function satisfaction(policy: Policy, factors: readonly FactorLike[]): Satisfaction {
  const first = factors[0];
  if (!first || !policy.steps[0]?.includes(first.authenticator)) return { kind: 'login' };
  const used: FactorLike[] = [first];
  for (let i = 1; i < policy.steps.length; i++) {
    const step = policy.steps[i]!;
    const met = factors.find((f) => step.includes(f.authenticator));
    if (!met) return { kind: 'partial', step: i };
    used.push(met);
  }
  return { kind: 'complete', amr: amrOf(used) };
}

/** RFC 8176 §2 methods by the kind of factor they are: something you know, have, or are. */
const KIND: Readonly<Record<string, 'know' | 'have' | 'are'>> = {
  pwd: 'know',
  pin: 'know',
  kba: 'know',
  otp: 'have',
  hwk: 'have',
  swk: 'have',
  sms: 'have',
  tel: 'have',
  sc: 'have',
  face: 'are',
  fpt: 'are',
  iris: 'are',
  retina: 'are',
  vbm: 'are',
};

/**
 * The factors' amr values, once each, plus `mfa` (RFC 8176 §2) when they span two or more kinds, or when one
 * factor is itself multi-factor (a passkey unlocked by a PIN or biometric: authn/passkey/amr.ts).
 */
export function amrOf(factors: readonly FactorLike[]): string[] {
  const values = [...new Set(factors.flatMap((f) => f.amr))].filter((v) => v !== 'mfa');
  const kinds = new Set(values.map((v) => KIND[v]).filter((k) => k !== undefined));
  const multi = kinds.size >= 2 || factors.some((f) => f.amr.includes('mfa'));
  return multi ? [...values, 'mfa'] : values;
}

/**
 * The acr a sign-in under `policy` is issued with: the policy's, which is what a client asks for by acr_values.
 * One exception: a client that signs in through a trusted upstream provider alone (its implicit policy of an oidc
 * authenticator with trust_upstream_authentication) gets the acr the upstream reported, which the session kept
 * (authn/authenticators/oidc/claims.ts); without one the session holds the authenticator's own acr, the same.
 */
export function issuedAcr(
  policy: Policy,
  session: { readonly authenticator: string; readonly acr: string },
  authenticators: ReadonlyMap<string, AuthenticatorConfig>,
): string {
  if (!policy.implicit) return policy.acr;
  const a = authenticators.get(session.authenticator);
  return a?.type === 'oidc' && a.trust_upstream_authentication && policy.steps[0]?.[0] === a.id
    ? session.acr
    : policy.acr;
}
