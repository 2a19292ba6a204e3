// The signing keys in memory: the active private key per algorithm, and the public JWKS to publish.
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyStore, StoredKey } from '../store/ports/index.ts';
import { SIGNING_ALGS, type SigningAlg } from './algorithms.ts';
import { describeSigningKey, signingKeyContext } from './data-keys.ts';
import { decryptUnderMaster } from './key-encryption.ts';
import type { MasterKey } from './master-key.ts';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  /** RFC 7515 §4.1.7: base64url SHA-1 thumbprint of the DER certificate. */
  x5t: string;
  privateKey: KeyObject;
}

/** How long a retired key stays published: longer than any token it signed can live. */
export const RETIRED_KEY_PUBLISHED_FOR = 2 * 86_400;

export interface KeyRing {
  /** The key that signs for `alg` at `now`: activated, not yet retired, newest first. */
  active(alg: SigningAlg, now: number): SigningKey;
  /** Whether `alg` has a key that signs at `now` (false while a first start is still making it). */
  has(alg: SigningAlg, now: number): boolean;
  jwks(): { keys: JWK[] };
  /** Re-reads the key table; only keys not seen before are decrypted. */
  reload(now: number): Promise<void>;
  /** Settles once the keys a first start makes in the background exist (at once when none are being made). */
  settled(): Promise<void>;
  /** Whether keys are being made in the background now (a deferred ring: since the first settled()). */
  making(): boolean;
}

/**
 * The algorithm every client signs with unless it asks for another (the seed's RS256): a first start makes its key
 * before the server is ready; the others are made in the background, since the first requests do not need them.
 */
export const FIRST_KEY_ALG: SigningAlg = 'RS256';

function publicJwk(stored: StoredKey): JWK {
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

const signs = (k: StoredKey, now: number) =>
  k.activatesAt <= now && (k.retiredAt === null || k.retiredAt > now);

/** Makes sure every algorithm has a key that signs now (first start, or a store that lost one). */
export async function ensureKeys(
  store: KeyStore,
  masterKey: MasterKey,
  now: number,
  issuer: string,
  algs: readonly SigningAlg[] = SIGNING_ALGS,
): Promise<void> {
  const keys = await store.list();
  const missing = algs.filter((alg) => !keys.some((k) => k.alg === alg && signs(k, now)));
  if (missing.length === 0) return;
  // Loaded only when a key is made: the X.509 library is slow to load and a restart never needs it.
  const { generateSigningKey } = await import('./generate.ts');
  // Generated side by side (the work runs in libuv's pool), stored one by one: insertFirst keeps one per algorithm.
  const made = await Promise.all(
    missing.map((alg) => generateSigningKey(masterKey, { alg, now, activatesAt: now, issuer })),
  );
  for (const key of made) await store.insertFirst(key);
}

/** A key another node wrote under a master key this one lacks: the error names the key and the fingerprint. */
function openSigningKey(masterKey: MasterKey, key: StoredKey): Buffer {
  try {
    return decryptUnderMaster(masterKey, key.privateKey, signingKeyContext(key.kid)).plaintext;
  } catch (error) {
    throw new Error(`${describeSigningKey(key)}: ${(error as Error).message}`);
  }
}

/**
 * `before`: the algorithms whose keys must exist before this resolves (default RS256). A server passes none
 * and `deferred`, so a first start is ready before any key exists: it makes them once it listens
 * (`settled()`), and a signature asked for sooner waits for its key (signer.ts).
 */
export async function loadKeyRing(
  store: KeyStore,
  masterKey: MasterKey,
  now: number,
  issuer: string,
  options: { before?: readonly SigningAlg[]; deferred?: boolean } = {},
): Promise<KeyRing> {
  const before = options.before ?? [FIRST_KEY_ALG];
  if (before.length > 0) await ensureKeys(store, masterKey, now, issuer, before);
  const decrypted = new Map<string, SigningKey>();
  let stored: StoredKey[] = [];
  let published: { keys: JWK[] } = { keys: [] };

  let publishedSignature = '';
  const reload = async (at: number) => {
    stored = (await store.list()).sort((a, b) => b.activatesAt - a.activatesAt || a.kid.localeCompare(b.kid));
    const visible = stored.filter(
      (k) => k.retiredAt === null || k.retiredAt + RETIRED_KEY_PUBLISHED_FOR > at,
    );
    // Polled every second: the JWKS (certificate thumbprints) is rebuilt only when the published set changed.
    const signature = visible.map((k) => `${k.kid}:${k.activatesAt}:${k.retiredAt}`).join(',');
    if (signature === publishedSignature) return;
    publishedSignature = signature;
    published = { keys: visible.map(publicJwk) };
    for (const jwk of published.keys) {
      const key = stored.find((k) => k.kid === jwk.kid)!;
      if (decrypted.has(key.kid)) continue;
      decrypted.set(key.kid, {
        kid: key.kid,
        alg: key.alg as SigningAlg,
        x5t: jwk.x5t!,
        privateKey: createPrivateKey({
          key: openSigningKey(masterKey, key),
          format: 'der',
          type: 'pkcs8',
        }),
      });
    }
  };
  await reload(now);
  const find = (alg: SigningAlg, at: number) =>
    stored.find((k) => k.alg === alg && signs(k, at)) ??
    stored.find((k) => k.alg === alg && k.activatesAt <= at);
  // The other algorithms' keys: made after the server is up. A failure (the store away) is retried by the next
  // signature that needs one of them, through settled().
  let background: Promise<void> | undefined;
  const makeTheRest = (): Promise<void> => {
    background ??= ensureKeys(store, masterKey, now, issuer)
      .then(() => reload(now))
      .catch((error: unknown) => {
        background = undefined;
        throw error;
      });
    return background;
  };
  if (!options.deferred) makeTheRest().catch(() => undefined);
  return {
    active(alg, at) {
      const key = find(alg, at);
      if (!key) throw new Error(`no signing key for ${alg}`);
      return decrypted.get(key.kid)!;
    },
    has: (alg, at) => find(alg, at) !== undefined,
    jwks: () => published,
    reload,
    settled: () => makeTheRest(),
    making: () => background !== undefined,
  };
}

/** Publishes a new key now and lets it sign from `activatesAt`; the current key signs until then. */
export async function rotateKey(
  store: KeyStore,
  masterKey: MasterKey,
  input: { alg: SigningAlg; now: number; publishDelay: number; issuer: string },
): Promise<StoredKey> {
  const activatesAt = input.now + input.publishDelay;
  const { generateSigningKey } = await import('./generate.ts');
  const next = await generateSigningKey(masterKey, {
    alg: input.alg,
    now: input.now,
    activatesAt,
    issuer: input.issuer,
  });
  await store.insert(next);
  for (const key of await store.list()) {
    if (key.alg === input.alg && key.kid !== next.kid && key.retiredAt === null)
      await store.retire(key.kid, activatesAt);
  }
  // Keys retired long enough ago that nothing they signed is still valid leave the table.
  for (const key of await store.list()) {
    if (key.retiredAt !== null && key.retiredAt + RETIRED_KEY_PUBLISHED_FOR <= input.now)
      await store.delete(key.kid);
  }
  return next;
}
