// Data keys: the server's own secrets, kept in the database under the master key so they survive its rotation;
// at start every encrypted key must open under this node's master keys, or the node refuses and says what did not.
import type { KeyStore, StoredDataKey, StoredKey } from '../store/ports/index.ts';
import { deriveKey, keyIdOf, SealError } from './encryption.ts';
import { decryptUnderMaster, encryptUnderMaster, MasterKeyMissingError } from './key-encryption.ts';
import { describeMasterKey, type MasterKey } from './master-key.ts';

/**
 * Each data key, and the HKDF label its first value is derived with from the master key: exactly what
 * releases before data keys derived on every start, so client-secret hashes, cookies, setup links and
 * sealed client_secret_jwt secrets made then stay valid. From then on the value is stored, not derived.
 */
export const DATA_KEYS = {
  /** HMAC-SHA-256 of client secrets (keys/secrets.ts): committed clients' hashes depend on it. */
  'client-secret': 'client-secret',
  /** Signs the CSRF cookie. */
  'cookie-signing': 'cookie-signing',
  /** The one-time admin setup link (admin/setup.ts). */
  'admin-setup': 'admin-setup',
  /** Stateless DPoP nonces (RFC 9449 §8) every node must agree on. */
  'dpop-nonce': 'dpop-nonce',
  /** Seals client_secret_jwt secrets in committed revisions (keys/sealed-secret.ts): the key they always used. */
  'secret-sealing': 'key-encryption',
} as const;

export type DataKeyPurpose = keyof typeof DATA_KEYS;
export type DataKeys = Readonly<Record<DataKeyPurpose, Buffer>>;

const PURPOSES = Object.keys(DATA_KEYS) as DataKeyPurpose[];
export const signingKeyContext = (kid: string) => `signing-key:${kid}`;
export const dataKeyContext = (purpose: string) => `data-key:${purpose}`;
export const describeSigningKey = (k: StoredKey) => `signing key ${k.alg} kid=${k.kid}`;

interface Locked {
  what: string;
  /** The fingerprint the value names; null for one written before fingerprints. */
  keyId: string | null;
  /** missing: no key of this node fits; changed: the key it names is here but the value does not open. */
  reason: 'missing' | 'changed' | 'format';
}

/** The node's master keys do not open some stored key: the message names each one and the key it needs. */
export class LockedKeysError extends Error {
  constructor(
    readonly locked: Locked[],
    master: MasterKey,
  ) {
    super(lockedMessage(locked, master));
  }
}

const inWords = (items: string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

function why(item: Locked, one: boolean): string {
  const [is, does] = one ? ['is', 'does'] : ['are', 'do'];
  if (item.reason === 'format') return `${is} in a format this release does not read`;
  if (item.reason === 'changed')
    return `${does} not decrypt under the master key ${one ? 'it names' : 'they name'} (fingerprint ${item.keyId}): the stored value was changed`;
  return item.keyId === null
    ? `${is} encrypted under a master key this node does not have (written before master-key fingerprints)`
    : `${is} encrypted under a master key this node does not have (fingerprint ${item.keyId})`;
}

function lockedMessage(locked: Locked[], master: MasterKey): string {
  const groups = new Map<string, Locked[]>();
  for (const item of locked) {
    const group = `${item.reason}:${item.keyId}`;
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  const parts = [...groups.values()].map((items) => {
    const signing = items.filter((i) => i.what.startsWith('signing key')).map((i) => i.what);
    const data = items
      .filter((i) => !i.what.startsWith('signing key'))
      .map((i) => i.what.replace(/^data key /, ''));
    const named = [
      ...signing,
      ...(data.length === 0
        ? []
        : [`${data.length} data key${data.length === 1 ? '' : 's'} (${data.join(', ')})`]),
    ];
    return `${inWords(named)} ${why(items[0]!, items.length === 1)}`;
  });
  const advice = locked.some((i) => i.reason === 'missing')
    ? ' Start it with the master key they were encrypted under (during a rotation, as TESSERA_MASTER_KEY_PREVIOUS: docs/deployment.md, Key rotation).'
    : ' No master key brings a changed value back: restore the database from a backup.';
  return `${parts.join('; ')}. This node has ${describeMasterKey(master)}.${advice}`;
}

function tryOpen(
  master: MasterKey,
  sealed: string,
  context: string,
  what: string,
): { key: Buffer; plaintext: Buffer } | Locked {
  try {
    return decryptUnderMaster(master, sealed, context);
  } catch (error) {
    if (error instanceof MasterKeyMissingError) return { what, keyId: error.keyId, reason: 'missing' };
    if (error instanceof SealError)
      return error.reason === 'format'
        ? { what, keyId: null, reason: 'format' }
        : { what, keyId: keyIdOf(sealed), reason: 'changed' };
    throw error;
  }
}

function openDataKeys(master: MasterKey, rows: StoredDataKey[], locked: Locked[]): Map<string, Buffer> {
  const opened = new Map<string, Buffer>();
  for (const row of rows) {
    const result = tryOpen(master, row.sealed, dataKeyContext(row.purpose), `data key ${row.purpose}`);
    if ('what' in result) locked.push(result);
    else opened.set(row.purpose, result.plaintext);
  }
  return opened;
}

/**
 * Opens every signing key and data key the database holds, or throws LockedKeysError naming each one
 * that does not open: never a node that starts and then fails per request. Data keys not stored yet
 * are created, derived from the master key that opens the oldest signing key (the one their old
 * derived values came from), encrypted under the current one; of nodes starting together the first wins.
 */
export async function unlockKeys(store: KeyStore, master: MasterKey, now: number): Promise<DataKeys> {
  const locked: Locked[] = [];
  let origin: Buffer | undefined;
  for (const key of await store.list()) {
    const result = tryOpen(master, key.privateKey, signingKeyContext(key.kid), describeSigningKey(key));
    if ('what' in result) locked.push(result);
    else origin ??= result.key;
  }
  let opened = openDataKeys(master, await store.dataKeys(), locked);
  if (locked.length > 0) throw new LockedKeysError(locked, master);
  const missing = PURPOSES.filter((p) => !opened.has(p));
  if (missing.length > 0) {
    for (const purpose of missing) {
      const value = deriveKey(origin ?? master.key, DATA_KEYS[purpose]);
      const sealed = encryptUnderMaster(master, value, dataKeyContext(purpose));
      await store.insertDataKey({ purpose, sealed, createdAt: now });
    }
    opened = openDataKeys(master, await store.dataKeys(), locked);
    if (locked.length > 0) throw new LockedKeysError(locked, master);
  }
  return Object.fromEntries(PURPOSES.map((p) => [p, opened.get(p)!])) as DataKeys;
}
