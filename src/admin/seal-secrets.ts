// Secrets at rest: before a snapshot is stored anywhere, every plaintext client secret becomes its keyed hash (or, for client_secret_jwt, its sealed form), and every upstream provider's client secret its sealed form.
import type { AuthenticatorConfig, Snapshot } from '../config/schema.ts';
import type { SecretHasher } from '../keys/secrets.ts';

/**
 * An upstream provider's secret is sent to its token endpoint, so it cannot be a hash: it is sealed. Without
 * `seal` (the config file's own entries, kept in memory only) it stays as it is; a method without a secret
 * keeps none.
 */
export function sealUpstreamSecret(
  authenticator: AuthenticatorConfig,
  seal?: (secret: string) => string,
): AuthenticatorConfig {
  if (authenticator.type !== 'oidc') return authenticator;
  const { client_secret: secret, client_secret_sealed: sealed, ...rest } = authenticator;
  if (authenticator.token_endpoint_auth_method === 'none') return rest;
  if (secret === undefined || !seal) return authenticator;
  return { ...rest, client_secret_sealed: seal(secret) };
}

/**
 * Only keyed hashes and sealed secrets are committed; plaintext secrets never reach the revision
 * history. Without `seal` (the config file's own entries, kept in memory only) a client_secret_jwt
 * secret stays as it is: config/live.ts keeps it in memory, since an HMAC key cannot be a hash.
 */
export function sealSecrets(
  snapshot: Snapshot,
  secrets: SecretHasher,
  seal?: (secret: string) => string,
  sealUpstream?: (secret: string) => string,
): Snapshot {
  return {
    ...snapshot,
    authenticators: snapshot.authenticators.map((a) =>
      a.type === 'oidc' && a.client_secret !== undefined ? sealUpstreamSecret(a, sealUpstream) : a,
    ),
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
