// Backup and restore on PostgreSQL: pg_dump and pg_restore do it; Tessera prints their commands or runs pg_dump.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BackupError, syncDirectory, syncFile } from './backup.ts';

const MASK = '****';

/** A shell word: single-quoted unless it is plainly safe. */
const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/** The URL with its password replaced by ****, for printing. */
export function maskedUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = MASK;
  return url.href;
}

/** What to tell about the **** in a printed command; nothing when the URL has no password. */
export function maskNote(databaseUrl: string): string[] {
  return new URL(databaseUrl).password
    ? [
        '(**** is the password from DATABASE_URL: put it back, or drop it from the URL and use PGPASSWORD or ~/.pgpass)',
      ]
    : [];
}

/** The URL without its password, which travels in PGPASSWORD instead (never on a command line). */
function split(databaseUrl: string): { url: string; password: string } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.href, password };
}

export function pgDumpCommand(databaseUrl: string, file: string): string {
  return ['pg_dump', '--format=custom', `--file=${quote(file)}`, quote(maskedUrl(databaseUrl))].join(' ');
}

export function pgRestoreCommand(databaseUrl: string, file: string): string {
  return [
    'pg_restore',
    '--clean',
    '--if-exists',
    '--no-owner',
    '--single-transaction',
    '--exit-on-error',
    `--dbname=${quote(maskedUrl(databaseUrl))}`,
    quote(file),
  ].join(' ');
}

/** Runs pg_dump into a temp file beside `file`, then renames it into place; the dump is mode 0600. */
export function runPgDump(databaseUrl: string, file: string): { file: string; bytes: number } {
  const destination = resolve(file);
  const temp = `${destination}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const { url, password } = split(databaseUrl);
  // pg_dump truncates the file it is given and keeps its mode.
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    const run = spawnSync('pg_dump', ['--format=custom', `--file=${temp}`, `--dbname=${url}`], {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      encoding: 'utf8',
    });
    if (run.error)
      throw new BackupError(
        `cannot run pg_dump: ${(run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not on PATH' : run.error.message}`,
      );
    if (run.status !== 0) throw new BackupError(`pg_dump failed: ${run.stderr.trim()}`);
    syncFile(temp);
    renameSync(temp, destination);
    syncDirectory(dirname(destination));
    return { file: destination, bytes: statSync(destination).size };
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
