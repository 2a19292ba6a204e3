// Fixtures for the JWT client-authentication tests: clients registered for them, real keys, real assertions.
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import { sealSecret } from '../../../../src/keys/sealed-secret.ts';
import { JWT_BEARER } from '../../../../src/protocol/client-auth/assertion.ts';
import { MASTER_KEY, NOW, testSnapshot, WEB_CB } from '../../helpers.ts';

export const HS_SECRET = 'hs-Secret_Q7w2Zx9Tn4Wb6Rk1Lv8Yc3Hj5Pd0Fs-Ga7Ue2Io9Kq';
export const SEALED_SECRET = 'sealed-Secret_M3q8Zx1Tn6Wb9Rk4Lv2Yc7Hj0Pd5Fs-Ga7Ue2Io';
export const TOKEN_URL = 'https://issuer.example/oauth/v2/oauth-token';
export const PAR_URL = 'https://issuer.example/oauth/v2/oauth-par';

export const es256 = await generateKeyPair('ES256');
export const rs256 = await generateKeyPair('RS256');
/** Registered with no client. */
export const ps256 = await generateKeyPair('PS256');
/** Another ES256 key under the same kid as es256: what an attacker who knows the kid would sign with. */
export const stranger = await generateKeyPair('ES256');

const publicJwk = async (pair: { publicKey: CryptoKey | object }, kid: string) => ({
  ...(await exportJWK(pair.publicKey as CryptoKey)),
  kid,
});

/** The test clients plus: pk (ES256 and RS256 keys), pinned (ES256 only), fapi, hs (plain), sealed, spa (public). */
export async function jwtSnapshot(): Promise<SnapshotInput> {
  const base = testSnapshot();
  const keys = { keys: [await publicJwk(es256, 'es'), await publicJwk(rs256, 'rs')] };
  const code = { redirect_uris: [WEB_CB], scopes: ['openid'] };
  return {
    ...base,
    clients: [
      ...(base.clients ?? []),
      { client_id: 'pk', ...code, token_endpoint_auth_method: 'private_key_jwt', jwks: keys },
      {
        client_id: 'pinned',
        ...code,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: keys,
      },
      {
        client_id: 'fapi',
        ...code,
        profile: 'fapi2',
        token_endpoint_auth_method: 'private_key_jwt',
        id_token_signed_response_alg: 'PS256',
        jwks: keys,
      },
      { client_id: 'hs', ...code, token_endpoint_auth_method: 'client_secret_jwt', secret: HS_SECRET },
      {
        client_id: 'sealed',
        ...code,
        token_endpoint_auth_method: 'client_secret_jwt',
        secret_sealed: sealSecret(MASTER_KEY, SEALED_SECRET),
      },
      { client_id: 'spa', ...code, token_endpoint_auth_method: 'none' },
    ],
  };
}

let counter = 0;

export interface AssertionOptions {
  alg?: string;
  kid?: string;
  /** Claims to set (undefined removes a default: iss, sub, aud, exp, iat, jti). */
  claims?: Record<string, unknown>;
}

/** A signed client assertion for `clientId`, valid at NOW unless the options say otherwise. */
export async function assertion(
  clientId: string,
  key: CryptoKey | Uint8Array,
  options: AssertionOptions = {},
): Promise<string> {
  const claims: Record<string, unknown> = {
    iss: clientId,
    sub: clientId,
    aud: TOKEN_URL,
    iat: NOW,
    exp: NOW + 60,
    jti: `jti-${++counter}`,
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const alg = options.alg ?? (key instanceof Uint8Array ? 'HS256' : 'ES256');
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg, ...(options.kid === undefined ? {} : { kid: options.kid }) })
    .sign(key);
}

/** The body parameters of RFC 7523 §2.2 client authentication. */
export const asParams = (jwt: string, extra: Record<string, string> = {}) => ({
  client_assertion_type: JWT_BEARER,
  client_assertion: jwt,
  ...extra,
});

export const secretKey = (secret: string) => new TextEncoder().encode(secret);
