// Which authentication policy the request gets (OIDC Core §3.1.2.1 acr_values, §5.5.1.1 essential acr).
import type { Policy } from '../../config/policies.ts';
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

/** The acr values asked for: voluntary ones (acr_values, a non-essential claim) and essential ones. */
export function requestedAcr(
  acrValues: string | undefined,
  claims: string | undefined,
): { voluntary: string[]; essential: string[] | undefined } {
  const voluntary = (acrValues ?? '').split(' ').filter((v) => v !== '');
  let essential: string[] | undefined;
  if (claims !== undefined) {
    const parsed = JSON.parse(claims) as { id_token?: Record<string, unknown> };
    const request = parsed.id_token?.['acr'];
    if (request && typeof request === 'object' && !Array.isArray(request)) {
      const r = request as { essential?: unknown; value?: unknown; values?: unknown };
      const values = Array.isArray(r.values)
        ? r.values.filter((v): v is string => typeof v === 'string')
        : typeof r.value === 'string'
          ? [r.value]
          : [];
      if (r.essential === true && values.length > 0) essential = values;
      else voluntary.unshift(...values);
    }
  }
  return { voluntary, essential };
}

/**
 * The client's policy for the request. An essential acr (§5.5.1.1) must be met: the first requested value
 * one of the client's policies carries, else unmet_authentication_requirements. Voluntary values pick the
 * first such policy, and fall back to the client's default (its first policy).
 */
export function choosePolicy(
  policies: readonly Policy[],
  requested: { voluntary: readonly string[]; essential: readonly string[] | undefined },
): Policy | OAuthError {
  const byAcr = (acr: string) => policies.find((p) => p.acr === acr);
  if (requested.essential !== undefined) {
    for (const acr of requested.essential) {
      const found = byAcr(acr);
      if (found) return found;
    }
    // OpenID Connect Core 1.0 errata 2 §3.1.2.6 / Unmet Authentication Requirements 1.0 §2.
    return new OAuthError(
      'unmet_authentication_requirements',
      'none of the essential acr values requested can be met for this client',
    );
  }
  for (const acr of requested.voluntary) {
    const found = byAcr(acr);
    if (found) return found;
  }
  return policies[0]!;
}

export const acrCheck = {
  name: 'acr',
  section: 'OIDC Core §3.1.2.1 acr_values, §5.5.1.1',
  redirectable: true,
  run(ctx) {
    const client = ctx.request.client!;
    const chosen = choosePolicy(client.policies, requestedAcr(ctx.params.acr_values, ctx.request.claims));
    if (chosen instanceof OAuthError) return chosen;
    ctx.request.policy = chosen;
    return undefined;
  },
} satisfies AuthorizeCheck;
