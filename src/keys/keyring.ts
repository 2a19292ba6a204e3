// The signing keys in memory: the active private KeyObject for signing, and the public JWKS to publish.
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyStore, StoredKey } from '../store/ports/index.ts';
import { decrypt } from './encryption.ts';
import { generateSigningKey } from './generate.ts';

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  /** RFC 7515 §4.1.7: base64url SHA-1 thumbprint of the DER certificate. */
  x5t: string;
  privateKey: KeyObject;
}

export interface KeyRing {
  active: SigningKey;
  jwks: { keys: JWK[] };
}

function toPublicJwk(stored: StoredKey): JWK {
  const der = Buffer.from(stored.certificate, 'base64');
  return {
    ...(JSON.parse(stored.publicJwk) as JWK),
    kid: stored.kid,
    alg: stored.alg,
    use: 'sig',
    x5c: [stored.certificate],
    x5t: createHash('sha1').update(der).digest('base64url'),
    'x5t#S256': createHash('sha256').update(der).digest('base64url'),
  };
}

/** Loads the keys, creating the first one on first start; the oldest key signs until rotation exists. */
export async function loadKeyRing(
  store: KeyStore,
  masterKey: Buffer,
  now: number,
  issuer: string,
): Promise<KeyRing> {
  let keys = await store.list();
  if (keys.length === 0) {
    await store.insert(await generateSigningKey(masterKey, now, issuer));
    keys = await store.list();
  }
  const stored = keys[0]!;
  const jwks = keys.map(toPublicJwk);
  return {
    active: {
      kid: stored.kid,
      alg: 'RS256',
      x5t: jwks[0]!.x5t!,
      privateKey: createPrivateKey({
        key: decrypt(masterKey, stored.privateKey, `signing-key:${stored.kid}`),
        format: 'der',
        type: 'pkcs8',
      }),
    },
    jwks: { keys: jwks },
  };
}
