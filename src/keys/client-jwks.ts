// A client's public keys for verifying what it signs: its jwks by value (jwks_uri: see the fetcher).
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { Client } from '../config/live.ts';
import type { ClientKeys } from '../protocol/deps.ts';

/** Key sets built once per client config object: a commit makes new Client objects, so no stale keys. */
export function createClientKeys(): ClientKeys {
  const local = new WeakMap<Client, ReturnType<typeof createLocalJWKSet>>();
  return {
    async keyFor(client, header) {
      if (!client.jwks) return 'the client has no registered keys';
      let set = local.get(client);
      if (!set) {
        set = createLocalJWKSet(client.jwks as unknown as JSONWebKeySet);
        local.set(client, set);
      }
      try {
        return await set({ alg: header.alg ?? '', ...(header.kid === undefined ? {} : { kid: header.kid }) });
      } catch {
        return 'no registered client key matches the JWS header (kid, alg)';
      }
    },
  };
}
