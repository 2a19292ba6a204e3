// The master key: from TESSERA_MASTER_KEY, or for development a key file created once in the data directory.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MasterKey {
  key: Buffer;
  source: 'environment' | 'file';
  location: string;
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

export function resolveMasterKey(env: NodeJS.ProcessEnv, dataDir: string): MasterKey {
  const fromEnv = env['TESSERA_MASTER_KEY'];
  if (fromEnv)
    return {
      key: decode(fromEnv, 'TESSERA_MASTER_KEY'),
      source: 'environment',
      location: 'TESSERA_MASTER_KEY',
    };
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // 'wx' fails if another worker created it first; then we read theirs.
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { key: decode(readFileSync(file, 'utf8'), file), source: 'file', location: file };
}
