// client_secret_jwt: a JWT the client signs with an HMAC keyed by its client secret (RFC 7523 §2.2, OIDC Core §9).
import { HMAC_ALGS } from '../../shared/algorithms.ts';
import { ASSERTION_PARAMS, type AssertionKeys, readAssertion, verifyAssertion } from './assertion.ts';
import { DECOY_SECRET } from './decoy-keys.ts';
import type { ClientAuthMethod } from './method.ts';

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const MIN_KEY_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

const keys: AssertionKeys = {
  algs: HMAC_ALGS,
  // OIDC Core §9: the HMAC key is the octets of the UTF-8 client_secret, kept sealed (keys/sealed-secret.ts).
  async key(client, header, deps) {
    if (client.secretSealed === null) return 'the client has no secret for client_secret_jwt';
    let key: Uint8Array;
    try {
      key = new TextEncoder().encode(deps.unsealSecret(client.secretSealed));
    } catch {
      return 'the client secret cannot be unsealed on this server';
    }
    const needed = MIN_KEY_BYTES[header.alg] ?? 0;
    if (key.length < needed) {
      return `the client secret is too short to key ${header.alg} (RFC 7518 section 3.2): use HS256`;
    }
    return key;
  },
  decoy: () => DECOY_SECRET,
};

export const clientSecretJwt = {
  name: 'client_secret_jwt',
  parameters: ASSERTION_PARAMS,
  present: (request) => readAssertion(request, 'hmac'),
  verify: (presented, client, deps) => verifyAssertion(presented, client, deps, keys),
} satisfies ClientAuthMethod;
