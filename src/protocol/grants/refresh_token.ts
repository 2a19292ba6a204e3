// grant_type=refresh_token (RFC 6749 §6), with a new ID token per OIDC Core §12.2.
import { OAuthError } from '../errors.ts';
import { parseScope } from '../params/parse.ts';
import { hashToken } from '../tokens/opaque.ts';
import { issueTokens } from '../tokens/response.ts';
import type { Grant } from './grant.ts';

export const refreshToken = {
  grantType: 'refresh_token',
  async handle(params, client, deps) {
    if (!client.refreshToken.enabled) {
      return new OAuthError('unauthorized_client', 'refresh tokens are disabled for this client');
    }
    if (params.refresh_token === undefined)
      return new OAuthError('invalid_request', 'refresh_token is required');
    const token = await deps.grants.findToken(hashToken(params.refresh_token));
    const now = deps.clock.nowSeconds();
    if (
      !token ||
      token.kind !== 'refresh_token' ||
      token.clientId !== client.client_id ||
      token.revoked ||
      token.expiresAt <= now
    ) {
      return new OAuthError(
        'invalid_grant',
        'the refresh token is invalid, expired, revoked or was issued to another client',
      );
    }
    const granted = token.scope === '' ? [] : token.scope.split(' ');
    const requested = parseScope(params.scope);
    if (requested instanceof OAuthError) return requested;
    // §6: the new scope must not include any scope the resource owner did not originally grant.
    const extra = requested.filter((s) => !granted.includes(s));
    if (extra.length > 0)
      return new OAuthError('invalid_scope', `scope exceeds the original grant: ${extra.join(' ')}`);
    const account = await deps.accounts.findById(token.accountId);
    if (!account || account.disabled)
      return new OAuthError('invalid_grant', 'the account behind this grant is disabled');

    const issued = await issueTokens(
      {
        client,
        grantId: token.grantId,
        accountId: token.accountId,
        scope: requested.length > 0 ? requested.join(' ') : token.scope,
        authTime: token.authTime,
        acr: token.acr,
        nonce: null,
        withRefreshToken: false,
      },
      deps,
    );
    await deps.grants.saveTokens(issued.records);
    return issued.response;
  },
} satisfies Grant;
