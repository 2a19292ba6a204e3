// Encryption under the master key: the current key encrypts; the key a value names (current or previous) decrypts it.
import { deriveKey, keyIdOf, open, SealError, seal } from './encryption.ts';
import type { MasterKey } from './master-key.ts';

/** A value encrypted under a master key this node does not have; `keyId` is its fingerprint, null before fingerprints. */
export class MasterKeyMissingError extends Error {
  constructor(readonly keyId: string | null) {
    super(
      `encrypted under a master key this node does not have${keyId === null ? '' : ` (fingerprint ${keyId})`}`,
    );
  }
}

/** The key that encrypts signing keys and data keys, as it always was: derived from the master key. */
const kek = (master: Buffer) => deriveKey(master, 'key-encryption');

export function encryptUnderMaster(master: MasterKey, plaintext: Buffer, context: string): string {
  return seal(kek(master.key), plaintext, context, master.fingerprint);
}

export interface Opened {
  plaintext: Buffer;
  /** The master key that opened it: for a value without a fingerprint, the one that worked. */
  key: Buffer;
  under: 'current' | 'previous';
}

/**
 * Opens with the key the value names. A value from before fingerprints names none: the current key is
 * tried, then the previous one. Throws MasterKeyMissingError when no key of this node fits, and
 * SealError when the named key is here but the value does not open (it was changed).
 */
export function decryptUnderMaster(master: MasterKey, sealed: string, context: string): Opened {
  const keyId = keyIdOf(sealed);
  const candidates = [
    { key: master.key, fingerprint: master.fingerprint, under: 'current' as const },
    ...(master.previous ? [{ ...master.previous, under: 'previous' as const }] : []),
  ].filter((c) => keyId === null || c.fingerprint === keyId);
  if (candidates.length === 0) throw new MasterKeyMissingError(keyId);
  for (const candidate of candidates) {
    try {
      return {
        plaintext: open(kek(candidate.key), sealed, context),
        key: candidate.key,
        under: candidate.under,
      };
    } catch (error) {
      if (keyId !== null) throw error;
    }
  }
  throw new MasterKeyMissingError(null);
}

/** Which of this node's master keys a value is under, without failing: 'unknown' when neither. */
export function holderOf(
  master: MasterKey,
  sealed: string,
  context: string,
): 'current' | 'previous' | 'unknown' {
  try {
    const keyId = keyIdOf(sealed);
    if (keyId === null) return decryptUnderMaster(master, sealed, context).under;
    if (keyId === master.fingerprint) return 'current';
    return keyId === master.previous?.fingerprint ? 'previous' : 'unknown';
  } catch (error) {
    if (error instanceof MasterKeyMissingError || error instanceof SealError) return 'unknown';
    throw error;
  }
}
