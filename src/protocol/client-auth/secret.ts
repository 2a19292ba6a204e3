// The check both client-secret methods share: the keyed hash of the secret against the client's.
import type { Client } from '../../config/live.ts';
import type { ProtocolDeps } from '../deps.ts';
import type { Presented } from './method.ts';

/** Matches no secret: an unknown client costs the same hash as a known one. */
const UNKNOWN_CLIENT_HASH = 'hmac-sha256:no-client-has-this-hash-AAAAAAAAAAAAAAAAAAAAAAA';

export async function verifySecret(
  presented: Presented,
  client: Client | undefined,
  deps: ProtocolDeps,
): Promise<string | undefined> {
  const verified = deps.secrets.verify(presented.proof, client?.secretHash ?? UNKNOWN_CLIENT_HASH);
  // The same message whether the client is unknown or the secret wrong: no enumeration.
  return client && verified ? undefined : 'client authentication failed';
}
