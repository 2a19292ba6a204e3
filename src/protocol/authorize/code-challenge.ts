// PKCE (RFC 7636 §4.3): S256; "plain" only where a client allows it (RFC 9700 §2.1.1); required per client.
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

/** §4.2: base64url of a SHA-256 digest is exactly 43 characters; §4.1 allows 43-128 unreserved characters. */
const CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

export const pkceCheck = {
  name: 'pkce',
  section: 'RFC 7636 §4.3, RFC 9700 §2.1.1',
  redirectable: true,
  run(ctx) {
    const { code_challenge: challenge, code_challenge_method: method } = ctx.params;
    const client = ctx.request.client!;
    if (challenge === undefined) {
      if (method !== undefined)
        return new OAuthError('invalid_request', 'code_challenge_method sent without code_challenge');
      if (client.requirePkce) {
        return new OAuthError(
          'invalid_request',
          'this client must use PKCE: send code_challenge with code_challenge_method=S256',
        );
      }
      return undefined;
    }
    // §4.3: an absent method means "plain", which only clients explicitly allowed may use.
    const effective = method ?? 'plain';
    if (effective !== 'S256' && !(effective === 'plain' && client.allowPlainPkce)) {
      return new OAuthError(
        'invalid_request',
        effective === 'plain'
          ? 'code_challenge_method must be S256; plain is not allowed'
          : `unsupported code_challenge_method "${effective}"; use S256`,
      );
    }
    if (!CHALLENGE.test(challenge)) {
      return new OAuthError(
        'invalid_request',
        'code_challenge must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.2)',
      );
    }
    ctx.request.codeChallenge = challenge;
    ctx.request.codeChallengeMethod = effective;
    return undefined;
  },
} satisfies AuthorizeCheck;
