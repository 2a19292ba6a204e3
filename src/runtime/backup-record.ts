// What a SQLite backup records about itself (schema version, master-key fingerprints) and the keys a command can see.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { fingerprintOf } from '../keys/master-key.ts';

/** The table `tessera backup` adds to its copy; `tessera restore` reads it, then drops it. */
export const RECORD_TABLE = 'tessera_backup';

export interface BackupRecord {
  /** The highest schema migration applied in the copy. */
  schemaVersion: number;
  /** Fingerprints of the master keys the copy was made under: the current one first, then a previous one. */
  fingerprints: string[];
  /** Unix seconds. */
  createdAt: number;
}

/** A master key a command can see, with where it came from (for messages). */
export interface NamedKey {
  name: string;
  key: Buffer;
}

/** Names a master key without revealing it: the fingerprint a node prints for its key, so restore asks for that. */
export const masterKeyFingerprint = fingerprintOf;

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < 32) throw new Error(`${where} must be at least 32 random bytes, base64url-encoded`);
  return key;
}

/**
 * The master keys as a server on `dataDir` would use them: TESSERA_MASTER_KEY (and TESSERA_MASTER_KEY_PREVIOUS
 * during a rotation), else the development key file. Unlike start, it never creates a key file.
 */
export function visibleMasterKeys(env: NodeJS.ProcessEnv, dataDir: string): NamedKey[] {
  const current = env['TESSERA_MASTER_KEY'];
  if (current) {
    const keys = [{ name: 'TESSERA_MASTER_KEY', key: decode(current, 'TESSERA_MASTER_KEY') }];
    const previous = env['TESSERA_MASTER_KEY_PREVIOUS'];
    if (previous)
      keys.push({
        name: 'TESSERA_MASTER_KEY_PREVIOUS',
        key: decode(previous, 'TESSERA_MASTER_KEY_PREVIOUS'),
      });
    return keys;
  }
  const file = join(dataDir, 'master.key');
  return existsSync(file) ? [{ name: file, key: decode(readFileSync(file, 'utf8'), file) }] : [];
}

export function writeRecord(db: Database.Database, record: BackupRecord): void {
  db.exec(`CREATE TABLE ${RECORD_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  const insert = db.prepare(`INSERT INTO ${RECORD_TABLE} (key, value) VALUES (?, ?)`);
  db.transaction(() => {
    insert.run('format', '1');
    insert.run('schema_version', String(record.schemaVersion));
    insert.run('master_key_fingerprints', record.fingerprints.join(','));
    insert.run('created_at', String(record.createdAt));
  })();
}

/** The record, or undefined when the file has none (a database not made by `tessera backup`). */
export function readRecord(db: Database.Database): BackupRecord | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(RECORD_TABLE);
  if (!table) return undefined;
  const rows = db.prepare(`SELECT key, value FROM ${RECORD_TABLE}`).all() as {
    key: string;
    value: string;
  }[];
  const values = new Map(rows.map((r) => [r.key, r.value]));
  const fingerprints = (values.get('master_key_fingerprints') ?? '').split(',').filter(Boolean);
  const schemaVersion = Number(values.get('schema_version'));
  const createdAt = Number(values.get('created_at'));
  if (fingerprints.length === 0 || !Number.isInteger(schemaVersion) || !Number.isInteger(createdAt))
    return undefined;
  return { schemaVersion, fingerprints, createdAt };
}
