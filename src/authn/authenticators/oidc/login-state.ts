// A login to an upstream provider, bound to the browser that started it: the handle in its cookie is the only
// secret. The state, nonce and PKCE verifier are derived from the handle, so the store keeps nothing that could
// finish a login, and a callback is answered only in the browser holding the handle.
import { hmacSha256, sha256 } from '../../../shared/crypto.ts';

/** The cookie that binds a login to the browser it was started in. */
export const UPSTREAM_COOKIE = 'tessera_upstream';

/** Seconds for the round trip to the upstream: long enough to log in there, short enough not to linger. */
export const LOGIN_LIFETIME = 600;

/** Seconds an identity not linked yet waits for the person to create an account or link one. */
export const PENDING_LIFETIME = 600;

/** Our handles are 43 characters; anything much longer is not one of ours and is not hashed. */
const MAX_HANDLE = 100;

/** The hash the store keys the login by; undefined for a handle that cannot be ours. */
export const handleHash = (handle: string | undefined): string | undefined =>
  handle === undefined || handle === '' || handle.length > MAX_HANDLE ? undefined : sha256(handle);

/**
 * The values sent upstream for this handle, each an HMAC of a label under the handle: 256 bits that look random
 * to anyone without the cookie. The verifier is 43 unreserved characters (RFC 7636 §4.1); the state (RFC 6749
 * §10.12) and nonce (OIDC Core §3.1.2.1) tie the answer to this browser's login.
 */
export function derived(handle: string): { state: string; nonce: string; codeVerifier: string } {
  const key = Buffer.from(handle, 'utf8');
  return {
    state: hmacSha256(key, 'tessera upstream state'),
    nonce: hmacSha256(key, 'tessera upstream nonce'),
    codeVerifier: hmacSha256(key, 'tessera upstream pkce'),
  };
}
