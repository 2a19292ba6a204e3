// User claims: which ones a scope or a claims request (OIDC Core §5.4, §5.5) releases, read from the account.
import type { LiveConfig } from '../../config/live.ts';
import type { AccountStore } from '../../store/ports/index.ts';

/** Claims the scopes release, plus those the claims parameter names for this target. */
export function releasedClaimNames(
  config: LiveConfig,
  scopes: readonly string[],
  claimsParam: string | null,
  target: 'userinfo' | 'id_token',
): Set<string> {
  const names = new Set<string>();
  if (target === 'userinfo')
    for (const scope of scopes) for (const claim of config.scopes.get(scope)?.claims ?? []) names.add(claim);
  if (claimsParam !== null) {
    const requested = (JSON.parse(claimsParam) as Record<string, Record<string, unknown>>)[target];
    for (const name of Object.keys(requested ?? {})) names.add(name);
  }
  return names;
}

/** Account claims the claims parameter asks to put in the ID token (§5.5); none without a request. */
export async function requestedClaims(
  claimsParam: string | null,
  target: 'id_token',
  accountId: string,
  deps: { accounts: AccountStore; config(): LiveConfig },
): Promise<Record<string, unknown>> {
  if (claimsParam === null) return {};
  const names = releasedClaimNames(deps.config(), [], claimsParam, target);
  if (names.size === 0) return {};
  const account = await deps.accounts.findById(accountId);
  return pick(account?.claims ?? {}, names);
}

/** Only user-profile claims come from the account; protocol claims (sub, iss, ...) are never overridden. */
const PROTECTED = new Set([
  'sub',
  'iss',
  'aud',
  'azp',
  'exp',
  'iat',
  'nbf',
  'jti',
  'auth_time',
  'acr',
  'nonce',
  'at_hash',
]);

export function pick(claims: Record<string, unknown>, names: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) if (!PROTECTED.has(name) && claims[name] !== undefined) out[name] = claims[name];
  return out;
}
