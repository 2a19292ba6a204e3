// The master key: from TESSERA_MASTER_KEY (plus TESSERA_MASTER_KEY_PREVIOUS while it is rotated), or for development a key file.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKey } from './encryption.ts';

export interface MasterKey {
  /** The current key: everything encrypted from now on is encrypted under it. */
  key: Buffer;
  /** Names the key in sealed values and messages without revealing it (keys/encryption.ts). */
  fingerprint: string;
  source: 'environment' | 'file';
  location: string;
  /** The development key file was created by this start (no key was set before). */
  created: boolean;
  /**
   * TESSERA_MASTER_KEY_PREVIOUS during a rotation: what is still encrypted under it opens, nothing new
   * is encrypted with it. `tessera master-key rotate` moves everything to the current key.
   */
  previous: { key: Buffer; fingerprint: string } | null;
}

/** An HKDF output, not the key: 48 bits are enough to tell a deployment's few master keys apart. */
export function fingerprintOf(key: Buffer): string {
  return deriveKey(key, 'master-key-fingerprint').subarray(0, 6).toString('hex');
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < 32) {
    throw new Error(
      `${where} must be at least 32 random bytes, base64url-encoded (try: openssl rand -base64 32)`,
    );
  }
  return key;
}

/** A master key given as bytes (tests, tools); `previous` as during a rotation. */
export function masterKeyOf(key: Buffer, previous?: Buffer): MasterKey {
  return {
    key,
    fingerprint: fingerprintOf(key),
    source: 'environment',
    location: 'TESSERA_MASTER_KEY',
    created: false,
    previous:
      previous && !previous.equals(key) ? { key: previous, fingerprint: fingerprintOf(previous) } : null,
  };
}

function current(env: NodeJS.ProcessEnv, dataDir: string): Omit<MasterKey, 'fingerprint' | 'previous'> {
  const fromEnv = env['TESSERA_MASTER_KEY'];
  if (fromEnv)
    return {
      key: decode(fromEnv, 'TESSERA_MASTER_KEY'),
      source: 'environment',
      location: 'TESSERA_MASTER_KEY',
      created: false,
    };
  const file = join(dataDir, 'master.key');
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // 'wx' fails if another worker created it first; then we read theirs.
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { key: decode(readFileSync(file, 'utf8'), file), source: 'file', location: file, created };
}

export function resolveMasterKey(env: NodeJS.ProcessEnv, dataDir: string): MasterKey {
  const now = current(env, dataDir);
  const before = env['TESSERA_MASTER_KEY_PREVIOUS'];
  const previous = before ? decode(before, 'TESSERA_MASTER_KEY_PREVIOUS') : undefined;
  return { ...masterKeyOf(now.key, previous), ...now };
}

/** Where the current key came from, for messages: never the key itself. */
export function describeMasterKey(master: MasterKey): string {
  const where =
    master.source === 'environment'
      ? `${master.location} (fingerprint ${master.fingerprint})`
      : `the key file ${master.location} (fingerprint ${master.fingerprint}${master.created ? ', created just now: no key was set' : ''})`;
  return master.previous
    ? `${where} and TESSERA_MASTER_KEY_PREVIOUS (fingerprint ${master.previous.fingerprint})`
    : where;
}
