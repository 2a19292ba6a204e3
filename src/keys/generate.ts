// Creates an RS256 signing key with a self-signed certificate, so ID tokens can carry kid and x5t.
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import type { StoredKey } from '../store/ports/index.ts';
import { encrypt } from './encryption.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RS256 = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export async function generateSigningKey(masterKey: Buffer, now: number, issuer: string): Promise<StoredKey> {
  const pair = (await webcrypto.subtle.generateKey(RS256, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256').update(`${issuer}${now}`).digest('hex').slice(0, 16),
    name: `CN=Tessera signing key, O=${new URL(issuer).host.replace(/[,=+<>#;"\\]/g, '')}`,
    notBefore: new Date(now * 1000 - 60_000),
    notAfter: new Date(now * 1000 + TEN_YEARS_MS),
    keys: pair,
    signingAlgorithm: RS256,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  const jwk = await exportJWK(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  const publicJwk = { kty: jwk.kty!, n: jwk.n!, e: jwk.e! };
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: 'RS256',
    publicJwk: JSON.stringify(publicJwk),
    privateKey: encrypt(masterKey, pkcs8, `signing-key:${kid}`),
    certificate: Buffer.from(certificate.rawData).toString('base64'),
    createdAt: now,
  };
}
