// The DPoP-Nonce header on responses of the endpoints that read DPoP proofs, when nonces are on (RFC 9449 §8.2, §9).
import type { FastifyReply } from 'fastify';
import type { ProtocolDeps } from '../protocol/deps.ts';
import { responseNonce } from '../protocol/dpop/nonce.ts';

/** §8.2: a fresh nonce on every response, so the client's next proof carries one this server accepts. */
export function sendDpopNonce(reply: FastifyReply, deps: ProtocolDeps): void {
  const nonce = responseNonce(deps);
  // A browser client (CORS) may read the header only if it is exposed.
  if (nonce !== undefined)
    reply.header('dpop-nonce', nonce).header('access-control-expose-headers', 'DPoP-Nonce');
}
