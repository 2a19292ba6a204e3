// The choices the client pages and the New Client wizard offer, each with the words a person reads.
import { CAPABILITY_WORDS } from '../../admin/field-labels.ts';
import { ASYMMETRIC_ALGS, CLIENT_ASSERTION_ALGS, HMAC_ALGS } from '../../shared/algorithms.ts';

export const CAPABILITIES = [
  { id: 'code', label: CAPABILITY_WORDS['code']!, hint: 'Users sign in through the browser (RFC 6749 §4.1)' },
  {
    id: 'client_credentials',
    label: CAPABILITY_WORDS['client_credentials']!,
    hint: 'A service gets tokens for itself, no user involved (RFC 6749 §4.4)',
  },
  {
    id: 'device_code',
    label: CAPABILITY_WORDS['device_code']!,
    hint: 'A TV, console or command-line tool shows a code; the user approves on a phone or computer (RFC 8628)',
  },
  {
    id: 'token_exchange',
    label: CAPABILITY_WORDS['token_exchange']!,
    hint: 'Trade a token it holds for one for an API, for the same user (RFC 8693); set what it may in Token exchange below',
  },
];

export const AUTH_METHODS = [
  { id: 'client_secret_basic', label: 'Secret, sent with HTTP Basic (client_secret_basic)', hint: '' },
  { id: 'client_secret_post', label: 'Secret, sent in the form body (client_secret_post)', hint: '' },
  {
    id: 'private_key_jwt',
    label: 'Signed JWT with a private key (private_key_jwt)',
    hint: 'The client signs a short-lived JWT with its private key; Tessera checks it with the public keys given here.',
  },
  {
    id: 'client_secret_jwt',
    label: 'Signed JWT with the client secret (client_secret_jwt)',
    hint: 'The client signs a short-lived JWT with the secret (an HMAC); Tessera keeps the secret encrypted.',
  },
  { id: 'none', label: 'None: a public client (single-page or native app), PKCE required', hint: '' },
];

/** The assertion algorithms, grouped by what signs: the client's private key or the client secret. */
export const ASSERTION_ALG_GROUPS = [
  { label: 'With a private key (private_key_jwt)', algs: [...ASYMMETRIC_ALGS] },
  { label: 'With the client secret (client_secret_jwt)', algs: [...HMAC_ALGS] },
];

export const REQUEST_OBJECT_ALGS = [...CLIENT_ASSERTION_ALGS];

export const PROFILES = [
  { id: '', label: 'None', hint: '' },
  {
    id: 'fapi2',
    label: 'FAPI 2.0',
    hint: 'The FAPI 2.0 Security Profile: the client signs a JWT with its private key (private_key_jwt) and uses PKCE; pushed authorization requests and DPoP-bound tokens are turned on with it; only PS256, ES256 or EdDSA signatures. A setting that breaks a rule is refused, naming the rule.',
  },
];
