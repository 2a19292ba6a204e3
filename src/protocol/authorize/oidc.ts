// OIDC Core §3.1.2.1 request parameters: max_age, claims (§5.5), hints.
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

const CLAIMS_MEMBERS = new Set(['userinfo', 'id_token']);

/** §5.5: a JSON object whose userinfo and id_token members are objects of claim name -> null or request. */
export function parseClaimsParameter(value: string): Record<string, Record<string, unknown>> | OAuthError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return new OAuthError('invalid_request', 'claims must be a JSON object (OIDC Core §5.5)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return new OAuthError('invalid_request', 'claims must be a JSON object (OIDC Core §5.5)');
  }
  const result: Record<string, Record<string, unknown>> = {};
  for (const [member, request] of Object.entries(parsed)) {
    if (!CLAIMS_MEMBERS.has(member)) continue;
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return new OAuthError('invalid_request', `claims.${member} must be a JSON object`);
    }
    result[member] = request as Record<string, unknown>;
  }
  return result;
}

export const oidcParamsCheck = {
  name: 'oidc parameters',
  section: 'OIDC Core §3.1.2.1, §5.5',
  redirectable: true,
  run(ctx) {
    // request and request_uri never reach the pipeline: requests/read.ts resolves them first (§6).
    const { max_age: maxAge, claims } = ctx.params;
    if (maxAge !== undefined) {
      if (!/^\d{1,10}$/.test(maxAge))
        return new OAuthError('invalid_request', 'max_age must be a non-negative integer');
      ctx.request.maxAge = Number(maxAge);
    }
    if (claims !== undefined) {
      const parsed = parseClaimsParameter(claims);
      if (parsed instanceof OAuthError) return parsed;
      ctx.request.claims = JSON.stringify(parsed);
    }
    ctx.request.idTokenHint = ctx.params.id_token_hint;
    ctx.request.loginHint = ctx.params.login_hint;
    return undefined;
  },
} satisfies AuthorizeCheck;
