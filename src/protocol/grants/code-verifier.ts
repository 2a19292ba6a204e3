// The PKCE verifier check at the token endpoint (RFC 7636 §4.6); the challenge is checked at authorize
// (authorize/code-challenge.ts).
import { createHash } from 'node:crypto';
import { safeEqual } from '../../shared/crypto.ts';
import { OAuthError } from '../errors.ts';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);

/** undefined when the verifier proves possession of the code's challenge (or neither exists). */
export function verifyCodeVerifier(
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
