// grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6).
import { codeBindingRefusal } from '../dpop/token-binding.ts';
import { OAuthError } from '../errors.ts';
import { accessTarget, grantedResources } from '../tokens/audience.ts';
import { hashToken } from '../tokens/opaque.ts';
import { issueTokens } from '../tokens/response.ts';
import { codeReplayed, consumed } from './code-replay.ts';
import { verifyCodeVerifier } from './code-verifier.ts';
import type { Grant } from './grant.ts';

const invalidGrant = (description: string, detail?: string) =>
  new OAuthError('invalid_grant', description, detail === undefined ? {} : { detail });

export const authorizationCode = {
  grantType: 'authorization_code',
  capability: 'code',
  async handle(params, client, deps, request) {
    if (params.code === undefined) return new OAuthError('invalid_request', 'code is required');
    const hash = hashToken(params.code);
    const code = await deps.grants.findCode(hash);
    const now = deps.clock.nowSeconds();
    // One message for unknown, expired and foreign codes: the caller learns nothing about other clients' codes.
    if (!code || code.clientId !== client.client_id || code.expiresAt <= now) {
      return invalidGrant('the authorization code is invalid, expired or was issued to another client');
    }
    // §4.1.3: redirect_uri must be sent if and only if it was in the authorization request, and be identical.
    if (code.redirectUri !== null && params.redirect_uri !== code.redirectUri) {
      return invalidGrant(
        params.redirect_uri === undefined
          ? 'redirect_uri is required: it was sent in the authorization request'
          : 'redirect_uri does not match the one in the authorization request',
      );
    }
    if (code.redirectUri === null && params.redirect_uri !== undefined) {
      return invalidGrant('redirect_uri must not be sent: the authorization request did not include one');
    }
    const pkceError = verifyCodeVerifier(code.codeChallenge, code.codeChallengeMethod, params.code_verifier);
    if (pkceError) return pkceError;
    // Only a caller who passed client authentication and PKCE reaches here, so a replay may revoke the grant.
    if (code.used) return codeReplayed(code.grantId, now, deps);
    const unbound = codeBindingRefusal(code.jkt, request.jkt);
    if (unbound) return unbound;
    // RFC 8707 §2.2: a resource named here must be one the authorization request named, if it named any.
    const target = accessTarget(
      client,
      deps.config(),
      request.resources,
      grantedResources(code.resource),
      code.scope,
    );
    if (target instanceof OAuthError) return target;
    const issued = await issueTokens(
      {
        client,
        grantId: code.grantId,
        accountId: code.accountId,
        scope: code.scope,
        authTime: code.authTime,
        acr: code.acr,
        amr: code.amr,
        nonce: code.nonce,
        claims: code.claims,
        refresh: { kind: 'new' },
        ...target,
        jkt: request.jkt,
      },
      deps,
    );
    const refused = await consumed(await deps.grants.consumeCode(hash, now, issued.records), now, deps);
    return refused ?? issued.response;
  },
} satisfies Grant;
