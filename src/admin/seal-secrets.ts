// Secrets at rest: before a snapshot is stored anywhere, every plaintext client secret becomes its keyed hash (or, for client_secret_jwt, its sealed form).
import type { Snapshot } from '../config/schema.ts';
import type { SecretHasher } from '../keys/secrets.ts';

/**
 * Only keyed hashes and sealed secrets are committed; plaintext secrets never reach the revision
 * history. Without `seal` (the config file's own entries, kept in memory only) a client_secret_jwt
 * secret stays as it is: config/live.ts keeps it in memory, since an HMAC key cannot be a hash.
 */
export function sealSecrets(
  snapshot: Snapshot,
  secrets: SecretHasher,
  seal?: (secret: string) => string,
): Snapshot {
  return {
    ...snapshot,
    clients: snapshot.clients.map((client) => {
      if (client.secret === undefined) return client;
      const { secret, ...rest } = client;
      if (client.token_endpoint_auth_method !== 'client_secret_jwt') {
        return { ...rest, secret_hash: secrets.hash(secret) };
      }
      return seal ? { ...rest, secret_sealed: seal(secret) } : client;
    }),
  };
}
