// Real DPoP proofs for the tests: a key pair from jose, the claims RFC 9449 §4.2 names, and ways to spoil each.
import { createHash, randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  SignJWT,
} from 'jose';

export interface DpopKey {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  jkt: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  iat: number;
  jti?: string;
  /** The access token, for ath. */
  accessToken?: string;
  nonce?: string;
  /** Replaces or adds claims (undefined removes one). */
  claims?: Record<string, unknown>;
  /** Replaces or adds header parameters (undefined removes one): also ones jose's types forbid, such as a private jwk. */
  header?: Record<string, unknown>;
}

export const ath = (accessToken: string) => createHash('sha256').update(accessToken).digest('base64url');

export function proof(key: DpopKey, options: ProofOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: options.iat,
    ...(options.accessToken === undefined ? {} : { ath: ath(options.accessToken) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  };
  const header: Record<string, unknown> = {
    alg: key.alg,
    typ: 'dpop+jwt',
    jwk: key.publicJwk,
    ...options.header,
  };
  for (const part of [claims, header]) {
    for (const [name, value] of Object.entries(part)) if (value === undefined) delete part[name];
  }
  return new SignJWT(claims)
    .setProtectedHeader(header as unknown as JWTHeaderParameters)
    .sign(key.privateKey);
}

/** An unsigned JWT (alg none), which jose will not make. */
export function unsignedProof(key: DpopKey, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk })}.${part(claims)}.`;
}
