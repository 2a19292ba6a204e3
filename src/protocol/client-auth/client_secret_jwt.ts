// client_secret_jwt: a JWT the client signs with an HMAC keyed by its client secret (RFC 7523 §2.2, OIDC Core §9).
import { HMAC_ALGS } from '../../shared/algorithms.ts';
import { ASSERTION_PARAMS, type AssertionKeys, readAssertion, verifyAssertion } from './assertion.ts';
import { DECOY_SECRET } from './decoy-keys.ts';
import type { ClientAuthMethod } from './method.ts';

const keys: AssertionKeys = {
  algs: HMAC_ALGS,
  // OIDC Core §9: the HMAC key is the octets of the UTF-8 client_secret, kept sealed (keys/sealed-secret.ts).
  async key(client, _header, deps) {
    if (client.secretSealed === null) return 'the client has no secret for client_secret_jwt';
    try {
      return new TextEncoder().encode(deps.unsealSecret(client.secretSealed));
    } catch {
      return 'the client secret cannot be unsealed on this server';
    }
  },
  decoy: () => DECOY_SECRET,
};

export const clientSecretJwt = {
  name: 'client_secret_jwt',
  parameters: ASSERTION_PARAMS,
  present: (request) => readAssertion(request, 'hmac'),
  verify: (presented, client, deps) => verifyAssertion(presented, client, deps, keys),
} satisfies ClientAuthMethod;
