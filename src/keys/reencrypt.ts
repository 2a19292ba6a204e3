// Master-key rotation: which stored keys are under which master key, and re-encrypting them under the current one.
import type { KeyStore, StoredKey } from '../store/ports/index.ts';
import { dataKeyContext, describeSigningKey, signingKeyContext } from './data-keys.ts';
import { keyIdOf } from './encryption.ts';
import { decryptUnderMaster, encryptUnderMaster, holderOf } from './key-encryption.ts';
import type { MasterKey } from './master-key.ts';

export interface EncryptedItem {
  kind: 'signing key' | 'data key';
  /** A kid or a data key's purpose. */
  id: string;
  what: string;
  sealed: string;
  context: string;
}

export interface MasterKeyStatus {
  current: string;
  previous: string | null;
  items: (Omit<EncryptedItem, 'sealed' | 'context'> & {
    under: 'current' | 'previous' | 'unknown';
    /** The fingerprint the value names; null for one written before fingerprints. */
    keyId: string | null;
  })[];
}

async function encryptedItems(store: KeyStore): Promise<EncryptedItem[]> {
  const [signing, data] = await Promise.all([store.list(), store.dataKeys()]);
  return [
    ...signing.map((k) => ({
      kind: 'signing key' as const,
      id: k.kid,
      what: describeSigningKey(k),
      sealed: k.privateKey,
      context: signingKeyContext(k.kid),
    })),
    ...data.map((k) => ({
      kind: 'data key' as const,
      id: k.purpose,
      what: `data key ${k.purpose}`,
      sealed: k.sealed,
      context: dataKeyContext(k.purpose),
    })),
  ];
}

const safeKeyId = (sealed: string) => {
  try {
    return keyIdOf(sealed);
  } catch {
    return null;
  }
};

export async function masterKeyStatus(store: KeyStore, master: MasterKey): Promise<MasterKeyStatus> {
  return {
    current: master.fingerprint,
    previous: master.previous?.fingerprint ?? null,
    items: (await encryptedItems(store)).map(({ sealed, context, ...item }) => ({
      ...item,
      under: holderOf(master, sealed, context),
      keyId: safeKeyId(sealed),
    })),
  };
}

export interface ReencryptResult {
  /** What was re-encrypted under the current key now. */
  reencrypted: string[];
  /** Already under the current key (and naming it). */
  unchanged: number;
  /** What does not open with this node's keys, with the error; left as it was. */
  failed: { what: string; reason: string }[];
}

/**
 * Re-encrypts under the current master key every signing key and data key that is not already under
 * it and naming it. Each row is replaced by a compare-and-set, so a rotation running twice at once, or
 * a node reading meanwhile, sees the old or the new value, both valid; running it again does nothing.
 */
export async function reencryptUnderCurrent(store: KeyStore, master: MasterKey): Promise<ReencryptResult> {
  const result: ReencryptResult = { reencrypted: [], unchanged: 0, failed: [] };
  const done = new Set<string>();
  // A row changed by someone else between the read and the write is read again; three passes bound it.
  for (let pass = 0; pass < 3; pass++) {
    let raced = false;
    result.unchanged = 0;
    for (const item of await encryptedItems(store)) {
      if (safeKeyId(item.sealed) === master.fingerprint) {
        if (!done.has(item.what)) result.unchanged++;
        continue;
      }
      let plaintext: Buffer;
      try {
        plaintext = decryptUnderMaster(master, item.sealed, item.context).plaintext;
      } catch (error) {
        if (!result.failed.some((f) => f.what === item.what))
          result.failed.push({ what: item.what, reason: (error as Error).message });
        continue;
      }
      const next = encryptUnderMaster(master, plaintext, item.context);
      const replaced =
        item.kind === 'signing key'
          ? await store.resealSigningKey(item.id, item.sealed, next)
          : await store.resealDataKey(item.id, item.sealed, next);
      if (replaced) {
        done.add(item.what);
        result.reencrypted.push(item.what);
      } else raced = true;
    }
    if (!raced) break;
  }
  return result;
}

/** What the admin's Keys page works with: the signing keys, the master-key status, and re-encryption. */
export interface KeyAdmin {
  signingKeys(): Promise<StoredKey[]>;
  status(): Promise<MasterKeyStatus>;
  reencrypt(): Promise<ReencryptResult>;
}

export function keyAdmin(store: KeyStore, master: MasterKey): KeyAdmin {
  return {
    signingKeys: () => store.list(),
    status: () => masterKeyStatus(store, master),
    reencrypt: () => reencryptUnderCurrent(store, master),
  };
}
