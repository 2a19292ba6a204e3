// Creates a signing key with a self-signed certificate, so JWTs can carry kid and x5t, encrypted for storage.
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { StoredKey } from '../store/ports/index.ts';
import { ALGORITHMS, type SigningAlg } from './algorithms.ts';
import { signingKeyContext } from './data-keys.ts';
import { encryptUnderMaster } from './key-encryption.ts';
import type { MasterKey } from './master-key.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const PUBLIC_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y'] as const;

export async function generateSigningKey(
  masterKey: MasterKey,
  input: { alg: SigningAlg; now: number; activatesAt: number; issuer: string },
): Promise<StoredKey> {
  const { generate, certify } = ALGORITHMS[input.alg];
  const pair = (await webcrypto.subtle.generateKey(
    generate as unknown as webcrypto.RsaHashedKeyGenParams,
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256')
      .update(`${input.issuer}${input.alg}${input.now}${Math.random()}`)
      .digest('hex')
      .slice(0, 16),
    name: `CN=Tessera signing key, O=${new URL(input.issuer).host.replace(/[,=+<>#;"\\]/g, '')}`,
    notBefore: new Date(input.now * 1000 - 60_000),
    notAfter: new Date(input.now * 1000 + TEN_YEARS_MS),
    keys: pair,
    signingAlgorithm: certify as unknown as webcrypto.Algorithm,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  const jwk = await exportJWK(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  const publicJwk: JWK = {};
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) publicJwk[member] = jwk[member];
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: input.alg,
    publicJwk: JSON.stringify(publicJwk),
    privateKey: encryptUnderMaster(masterKey, pkcs8, signingKeyContext(kid)),
    certificate: Buffer.from(certificate.rawData).toString('base64'),
    createdAt: input.now,
    activatesAt: input.activatesAt,
    retiredAt: null,
  };
}
