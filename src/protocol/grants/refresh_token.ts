// grant_type=refresh_token (RFC 6749 §6), rotation with reuse detection (RFC 9700 §4.14), ID token per OIDC Core §12.2.

import type { TokenRecord } from '../../store/ports/index.ts';
import { refreshBindingRefusal } from '../dpop/token-binding.ts';
import { OAuthError } from '../errors.ts';
import { parseScope } from '../params/parse.ts';
import { accessTarget, grantedResources } from '../tokens/audience.ts';
import { hashToken } from '../tokens/opaque.ts';
import { issueTokens } from '../tokens/response.ts';
import type { Grant } from './grant.ts';
import { refreshWithoutRotation, rotateRefresh } from './refresh-rotation.ts';

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);

export const refreshToken = {
  grantType: 'refresh_token',
  async handle(params, client, deps, request) {
    if (!client.refreshToken.enabled) {
      return new OAuthError('unauthorized_client', 'refresh tokens are disabled for this client');
    }
    if (params.refresh_token === undefined)
      return new OAuthError('invalid_request', 'refresh_token is required');
    const hash = hashToken(params.refresh_token);
    const token = await deps.grants.findToken(hash);
    const now = deps.clock.nowSeconds();
    if (!token || token.kind !== 'refresh_token' || token.clientId !== client.client_id || token.revoked) {
      return invalidGrant('the refresh token is invalid, revoked or was issued to another client');
    }
    if (token.expiresAt <= now) return invalidGrant('the refresh token has expired');
    const unbound = refreshBindingRefusal(token, client, request.jkt);
    if (unbound) return unbound;
    const granted = token.scope === '' ? [] : token.scope.split(' ');
    const requested = parseScope(params.scope);
    if (requested instanceof OAuthError) return requested;
    // §6: the new scope must not include any scope the resource owner did not originally grant.
    const extra = requested.filter((s) => !granted.includes(s));
    if (extra.length > 0)
      return new OAuthError('invalid_scope', `scope exceeds the original grant: ${extra.join(' ')}`);
    const account = await deps.accounts.findById(token.accountId);
    if (!account || account.disabled) return invalidGrant('the account behind this grant is disabled');
    const scope = requested.length > 0 ? requested.join(' ') : token.scope;
    // RFC 8707 §2.2: a refresh may name any resource the grant named (or, when it named none, the client's APIs).
    const target = accessTarget(
      client,
      deps.config(),
      request.resources,
      grantedResources(token.audience),
      scope,
    );
    if (target instanceof OAuthError) return target;

    const rotating = client.refreshToken.rotation;
    const issued = await issueTokens(
      {
        client,
        grantId: token.grantId,
        accountId: token.accountId,
        // A narrowed request does not shrink the grant: the successor keeps the original scope.
        scope,
        authTime: token.authTime,
        acr: token.acr,
        amr: token.amr,
        nonce: null,
        claims: token.claims,
        refresh: rotating
          ? { kind: 'rotate', familyExpiresAt: token.familyExpiresAt ?? token.expiresAt }
          : { kind: 'none' },
        ...target,
        jkt: request.jkt,
      },
      deps,
    );
    const refused = rotating
      ? await rotateRefresh(
          hash,
          now,
          client.refreshToken.reuseGrace,
          keepScope(issued.records, token.scope),
          deps,
        )
      : await refreshWithoutRotation(hash, token.grantId, now, issued.records, deps);
    return refused ?? issued.response;
  },
} satisfies Grant;

/** A narrowed request does not shrink the grant: the successor refresh token keeps the original scope. */
function keepScope(records: TokenRecord[], scope: string): TokenRecord[] {
  return records.map((r) => (r.kind === 'refresh_token' ? { ...r, scope } : r));
}
