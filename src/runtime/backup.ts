// `tessera backup` on SQLite: a consistent copy of a live database through SQLite's online backup, written atomically.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type BackupRecord, masterKeyFingerprint, type NamedKey, writeRecord } from './backup-record.ts';

/** A backup or restore that was refused or failed, with a reason meant for the operator. */
export class BackupError extends Error {}

/** The tables whose row counts a backup reports: what an operator would check after a restore. */
export const COUNTED_TABLES = [
  'accounts',
  'sessions',
  'tokens',
  'grants',
  'consents',
  'config_revisions',
  'signing_keys',
  'admin_users',
] as const;

export interface BackupReport extends BackupRecord {
  file: string;
  bytes: number;
  counts: Record<string, number>;
  /** Where each fingerprinted key came from, in the order of `fingerprints`. */
  keyNames: string[];
}

export function schemaVersionOf(db: Database.Database): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export function rowCounts(db: Database.Database): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (exists) counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return counts;
}

/** Writes the file's data to disk, then the directory entry that names it. */
export function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function syncDirectory(dir: string): void {
  try {
    syncFile(dir);
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
  }
}

export async function takeBackup(options: {
  databaseFile: string;
  destination: string;
  keys: NamedKey[];
  now: number;
}): Promise<BackupReport> {
  const source = resolve(options.databaseFile);
  const destination = resolve(options.destination);
  if (!existsSync(source)) throw new BackupError(`no database at ${source} (is --data right?)`);
  if ([source, `${source}-wal`, `${source}-shm`].includes(destination))
    throw new BackupError('the backup file cannot be the live database');
  if (options.keys.length === 0)
    throw new BackupError(
      `no master key: set TESSERA_MASTER_KEY (or keep master.key in the data directory), the backup records which key it needs`,
    );
  if (!existsSync(dirname(destination)))
    throw new BackupError(`directory ${dirname(destination)} does not exist`);

  const temp = `${destination}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // Created first with 0600, so the copy is never readable by others, not even while it is written.
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    // Read-only: a running server keeps writing meanwhile; this process never migrates or writes the live file.
    const live = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      // One step for every page: the copy is read in one read transaction, a snapshot of a single moment,
      // instead of chunks that SQLite restarts whenever the server commits in between.
      await live.backup(temp, { progress: () => 0x7fffffff });
    } finally {
      live.close();
    }
    const copy = new Database(temp, { fileMustExist: true });
    let report: Omit<BackupReport, 'bytes'>;
    try {
      // A self-contained file: no -wal beside it to lose when the backup is copied elsewhere.
      copy.pragma('journal_mode = DELETE');
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new BackupError(`the copy fails integrity_check: ${String(integrity)}`);
      const record: BackupRecord = {
        schemaVersion: schemaVersionOf(copy),
        fingerprints: options.keys.map((k) => masterKeyFingerprint(k.key)),
        createdAt: options.now,
      };
      report = {
        ...record,
        file: destination,
        counts: rowCounts(copy),
        keyNames: options.keys.map((k) => k.name),
      };
      writeRecord(copy, record);
    } finally {
      copy.close();
    }
    chmodSync(temp, 0o600);
    syncFile(temp);
    renameSync(temp, destination);
    syncDirectory(dirname(destination));
    return { ...report, bytes: statSync(destination).size };
  } catch (error) {
    for (const leftover of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`])
      rmSync(leftover, { force: true });
    throw error;
  }
}
