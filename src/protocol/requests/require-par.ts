// RFC 9126 §5 / FAPI 2.0 SP §5.3.2.2: a client (or a server) may accept authorization requests only through PAR.
import type { Client } from '../../config/live.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';

/**
 * The refusal for a request that did not come through the PAR endpoint from a client that must use it.
 * It is redirected to the client: by then client and redirect URI are verified (RFC 6749 §4.1.2.1), and
 * the client learns what to change, which an error page shown to the user would not tell it.
 */
export function parRequiredError(client: Client, deps: ProtocolDeps): OAuthError | undefined {
  if (!client.requirePar && !deps.server.requirePar) return undefined;
  return new OAuthError('invalid_request', 'pushed authorization request required', {
    detail: client.requirePar ? 'the client requires PAR' : 'the server requires PAR',
  });
}
