// private_key_jwt: a JWT the client signs with its private key (RFC 7523 §2.2, §3; OIDC Core §9).
import { ASYMMETRIC_ALGS } from '../../shared/algorithms.ts';
import { ASSERTION_PARAMS, type AssertionKeys, readAssertion, verifyAssertion } from './assertion.ts';
import { decoyPublicKey } from './decoy-keys.ts';
import type { ClientAuthMethod } from './method.ts';

const keys: AssertionKeys = {
  algs: ASYMMETRIC_ALGS,
  // Its registered public keys: jwks by value, or jwks_uri fetched behind the SSRF guard (keys/client-jwks.ts).
  key: (client, header, deps) => deps.clientKeys.keyFor(client, header),
  decoy: decoyPublicKey,
};

export const privateKeyJwt = {
  name: 'private_key_jwt',
  parameters: ASSERTION_PARAMS,
  present: (request) => readAssertion(request, 'asymmetric'),
  verify: (presented, client, deps) => verifyAssertion(presented, client, deps, keys),
} satisfies ClientAuthMethod;
