// Clients that sign request objects and a signer for them (jose keys generated per run), for the JAR/PAR tests.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import { ISSUER, NOW, OTHER_SECRET, testSnapshot, WEB_CB } from '../../helpers.ts';

export const signerKey = await generateKeyPair('ES256', { extractable: true });
/** A key no client registered: what an attacker signs with. */
export const strangerKey = await generateKeyPair('ES256', { extractable: true });
export const rsaKey = await generateKeyPair('RS256', { extractable: true });
const signerJwk = { ...(await exportJWK(signerKey.publicKey)), kid: 'signer-1', alg: 'ES256', use: 'sig' };
const rsaJwk = { ...(await exportJWK(rsaKey.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };

export const HMAC_SECRET = 'hmac-Secret_V7q2Zx5Tn8Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2Io';

/** testSnapshot plus: a key-holding client, a FAPI 2.0 one, a client_secret_jwt one, a PAR-only one, a public one. */
export function jarSnapshot(): SnapshotInput {
  const base = testSnapshot();
  const keys = { keys: [signerJwk, rsaJwk] };
  return {
    ...base,
    clients: [
      ...(base.clients ?? []),
      {
        client_id: 'signer',
        redirect_uris: [WEB_CB],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: keys,
        scopes: ['openid', 'profile'],
      },
      {
        client_id: 'pinned',
        redirect_uris: [WEB_CB],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: keys,
        request_object_signing_alg: 'RS256',
      },
      {
        client_id: 'fapi',
        redirect_uris: [WEB_CB],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: keys,
        profile: 'fapi2',
        id_token_signed_response_alg: 'ES256',
      },
      {
        client_id: 'hmac',
        redirect_uris: [WEB_CB],
        token_endpoint_auth_method: 'client_secret_jwt',
        secret: HMAC_SECRET,
      },
      {
        client_id: 'par-only',
        redirect_uris: [WEB_CB],
        secret: OTHER_SECRET,
        require_pushed_authorization_requests: true,
      },
      { client_id: 'spa', redirect_uris: [WEB_CB], token_endpoint_auth_method: 'none' },
    ],
  };
}

export interface SignOptions {
  alg?: string;
  key?: Parameters<SignJWT['sign']>[0];
  kid?: string;
  typ?: string;
}

/** A request object from `client_id`: iss, aud, iat, exp set as RFC 9101 §10.2 expects, `claims` over them. */
export function requestObject(
  clientId: string,
  claims: Record<string, unknown>,
  options: SignOptions = {},
): Promise<string> {
  const alg = options.alg ?? 'ES256';
  return new SignJWT({
    iss: clientId,
    aud: ISSUER,
    client_id: clientId,
    iat: NOW,
    nbf: NOW,
    exp: NOW + 300,
    ...claims,
  })
    .setProtectedHeader({
      alg,
      typ: options.typ ?? 'oauth-authz-req+jwt',
      kid: options.kid ?? (alg === 'RS256' ? 'rsa-1' : 'signer-1'),
    })
    .sign(options.key ?? (alg === 'RS256' ? rsaKey.privateKey : signerKey.privateKey));
}

/** An alg=none JWT (RFC 7519 §6): header and claims, empty signature. */
export function unsigned(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

/** The authorization parameters a request object carries for the signer client. */
export const INNER = {
  response_type: 'code',
  redirect_uri: WEB_CB,
  scope: 'openid profile',
  state: 'inner-state',
  nonce: 'inner-nonce',
};
