// grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6).
import { createHash } from 'node:crypto';
import { safeEqual } from '../../shared/crypto.ts';
import { OAuthError } from '../errors.ts';
import { hashToken } from '../tokens/opaque.ts';
import { issueTokens } from '../tokens/response.ts';
import type { Grant } from './grant.ts';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const invalidGrant = (description: string, detail?: string) =>
  new OAuthError('invalid_grant', description, detail === undefined ? {} : { detail });

export const authorizationCode = {
  grantType: 'authorization_code',
  async handle(params, client, deps) {
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
    const pkceError = verifyPkce(code.codeChallenge, code.codeChallengeMethod, params.code_verifier);
    if (pkceError) return pkceError;
    // Only a caller who passed client authentication and PKCE reaches here, so a replay may revoke the grant.
    if (code.used) {
      await deps.grants.redeemCode(hash, now, []);
      return invalidGrant('the authorization code was already used; tokens issued for it are revoked');
    }
    const issued = await issueTokens(
      {
        client,
        grantId: code.grantId,
        accountId: code.accountId,
        scope: code.scope,
        authTime: code.authTime,
        acr: code.acr,
        nonce: code.nonce,
        claims: code.claims,
        refresh: { kind: 'new' },
      },
      deps,
    );
    const result = await deps.grants.redeemCode(hash, now, issued.records);
    if (result.status !== 'redeemed') {
      return invalidGrant('the authorization code was already used; tokens issued for it are revoked');
    }
    return issued.response;
  },
} satisfies Grant;

/** RFC 7636 §4.6. */
function verifyPkce(
  challenge: string | null,
  method: 'S256' | 'plain' | null,
  verifier: string | undefined,
): OAuthError | undefined {
  if (challenge === null) {
    // RFC 9700 §2.1.1: a verifier for a code without a challenge signals an injected code.
    return verifier === undefined
      ? undefined
      : invalidGrant('code_verifier sent, but the code has no code_challenge');
  }
  if (verifier === undefined)
    return invalidGrant('code_verifier is required: the code was issued with a code_challenge');
  if (!VERIFIER.test(verifier)) {
    return invalidGrant('code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  const computed =
    method === 'plain' ? verifier : createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return safeEqual(computed, challenge)
    ? undefined
    : invalidGrant('code_verifier does not match the code_challenge');
}
