// `tessera restore` on SQLite: puts a verified backup in place of tessera.db atomically, never under a running server.
import { randomBytes } from 'node:crypto';
import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError, syncDirectory, syncFile } from './backup.ts';
import { type NamedKey, RECORD_TABLE } from './backup-record.ts';
import { type VerifiedBackup, verifyBackup } from './verify-backup.ts';

/**
 * Whether another process has the database open. A server keeps tessera.db open in WAL mode, and a WAL
 * connection holds a shared lock on the file from its first read until it closes. A connection in
 * exclusive locking mode needs an exclusive lock for its first read of a WAL database, so SQLITE_BUSY here
 * means a server (or a CLI command) still holds it. Nothing is written. `unknown` when the file does not
 * open as a database. What it cannot see: a server that has not yet read the file (it is just starting).
 */
export function databaseInUse(file: string): 'in use' | 'free' | 'unknown' {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return 'unknown';
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return 'free';
  } catch (error) {
    return (error as { code?: string }).code === 'SQLITE_BUSY' ? 'in use' : 'unknown';
  } finally {
    db.close();
  }
}

/** Removes what belongs to the old database beside it: its WAL would otherwise be replayed into the restored file. */
function removeSidecars(target: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
}

export interface RestoreReport extends VerifiedBackup {
  target: string;
  replaced: boolean;
}

export function restoreBackup(options: {
  file: string;
  target: string;
  keys: NamedKey[];
  force: boolean;
}): RestoreReport {
  const file = resolve(options.file);
  const target = resolve(options.target);
  const dataDir = dirname(target);
  const verified = verifyBackup(file, options.keys, dataDir);
  const replaced = existsSync(target) || existsSync(`${target}-wal`);
  if (replaced) {
    const use = existsSync(target) ? databaseInUse(target) : 'unknown';
    if (use === 'in use')
      throw new BackupError(`${target} is open in another process (a running server?): stop it first`);
    if (!options.force)
      throw new BackupError(
        `${target} exists: stop the server and pass --force to replace it${use === 'unknown' ? ' (it does not open as a database, so whether a server holds it cannot be told)' : ''}`,
      );
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${target}.restore-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    copyFileSync(file, temp, constants.COPYFILE_EXCL);
    chmodSync(temp, 0o600);
    const db = new Database(temp, { fileMustExist: true });
    try {
      db.exec(`DROP TABLE ${RECORD_TABLE}`);
      db.pragma('journal_mode = DELETE');
    } finally {
      db.close();
    }
    syncFile(temp);
    removeSidecars(target);
    renameSync(temp, target);
    removeSidecars(target);
    syncDirectory(dataDir);
  } catch (error) {
    for (const leftover of [temp, `${temp}-journal`]) rmSync(leftover, { force: true });
    throw error;
  }
  return { ...verified, target, replaced };
}
