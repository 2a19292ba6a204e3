// DPoP server nonces (RFC 9449 §8, §9): stateless, derived from a key every node shares, so any node accepts any node's.
import { hmacSha256, safeEqual } from '../../shared/crypto.ts';
import type { ProtocolDeps } from '../deps.ts';

/** Seconds per nonce window: a nonce is issued in one window and accepted in it and the next (5 to 10 minutes). */
export const NONCE_WINDOW = 300;

type NonceDeps = Pick<ProtocolDeps, 'clock' | 'nonceKey'>;

const windowOf = (deps: NonceDeps) => Math.floor(deps.clock.nowSeconds() / NONCE_WINDOW);

/** HMAC of the window number: unpredictable without the key, nothing stored, the same on every node. */
const nonceFor = (key: Buffer, window: number) => hmacSha256(key, `dpop-nonce:${window}`);

/** The nonce of the current window. */
export function freshNonce(deps: NonceDeps): string {
  return nonceFor(deps.nonceKey, windowOf(deps));
}

/** §8.2: the nonce a proof carries is one this server issued, in the current or the previous window. */
export function nonceAccepted(nonce: unknown, deps: NonceDeps): boolean {
  if (typeof nonce !== 'string') return false;
  const window = windowOf(deps);
  // Both candidates are compared, so the time taken says nothing about which one matched.
  const current = safeEqual(nonce, nonceFor(deps.nonceKey, window));
  const previous = safeEqual(nonce, nonceFor(deps.nonceKey, window - 1));
  return current || previous;
}

/** §8.2: the DPoP-Nonce to send with a response, when the server requires nonces; undefined otherwise. */
export function responseNonce(deps: NonceDeps & Pick<ProtocolDeps, 'server'>): string | undefined {
  return deps.server.dpopNonceRequired ? freshNonce(deps) : undefined;
}
