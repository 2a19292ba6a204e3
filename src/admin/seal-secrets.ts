// Secrets at rest: before a snapshot is stored anywhere, every plaintext client secret becomes its keyed hash.
import type { Snapshot } from '../config/schema.ts';
import type { SecretHasher } from '../keys/secrets.ts';

/** Only keyed hashes are committed; plaintext secrets never reach the revision history. */
export function sealSecrets(snapshot: Snapshot, secrets: SecretHasher): Snapshot {
  return {
    ...snapshot,
    clients: snapshot.clients.map((client) => {
      if (client.secret === undefined) return client;
      const { secret, ...rest } = client;
      return { ...rest, secret_hash: secrets.hash(secret) };
    }),
  };
}
