// Checks a backup before `tessera restore` uses it: intact, Tessera's, a schema this version runs, the master key it needs.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type RecordedMigration, schemaCompat } from '../store/schema-compat.ts';
import { migrations } from '../store/sqlite/migrate.ts';
import { BackupError, rowCounts } from './backup.ts';
import { type BackupRecord, masterKeyFingerprint, type NamedKey, readRecord } from './backup-record.ts';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface VerifiedBackup extends BackupRecord {
  counts: Record<string, number>;
  /** Migrations this version applies on the next start. */
  pending: string[];
  warnings: string[];
}

function hasSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/**
 * The schema must be one this version migrates or runs with: every migration it knows under its own name,
 * and the expand-and-contract rule of store/schema-compat.ts (the one start applies) for newer ones.
 * Returns the migrations the next start applies, and warnings.
 */
function checkSchema(db: Database.Database): { pending: string[]; warnings: string[] } {
  const columns = new Set(
    (db.prepare("SELECT name FROM pragma_table_info('schema_migrations')").all() as { name: string }[]).map(
      (c) => c.name,
    ),
  );
  // Rows from before kinds were recorded were all additive (BOOKKEEPING_COLUMNS says so for every engine).
  const recorded = (
    db
      .prepare(
        `SELECT version, name, ${columns.has('kind') ? 'kind' : "'additive'"} AS kind, ${columns.has('compatible_from') ? 'compatible_from' : 'NULL'} AS compatibleFrom FROM schema_migrations ORDER BY version`,
      )
      .all() as RecordedMigration[]
  ).map((m) => ({ ...m, compatibleFrom: m.compatibleFrom ?? null }));
  const known = new Map(migrations().map((m) => [m.version, m.name]));
  const newest = Math.max(...known.keys());
  for (const { version, name } of recorded) {
    const ours = known.get(version);
    if (ours !== undefined && ours !== name)
      throw new BackupError(
        `migration ${version} in the backup is ${name}, not ${ours}: not this Tessera's schema`,
      );
  }
  const compat = schemaCompat(recorded, newest);
  if (compat.status === 'incompatible')
    throw new BackupError(
      `the backup's schema is newer than this Tessera can run (${compat.reason}); restore it with the version that made it, or a newer one`,
    );
  const warnings = recorded
    .filter((m) => !known.has(m.version))
    .map(
      (m) =>
        `the backup has migration ${m.name}, newer than this Tessera: it runs on it, without what it adds`,
    );
  const done = new Set(recorded.map((a) => a.version));
  const pending = migrations()
    .filter((m) => !done.has(m.version))
    .map((m) => m.name);
  return { pending, warnings };
}

/** Refuses unless the key the backup was made under is here; returns what to warn about. */
function checkKeys(record: BackupRecord, keys: NamedKey[], dataDir: string): string[] {
  const [current, ...previous] = record.fingerprints;
  const seen = new Set(keys.map((k) => masterKeyFingerprint(k.key)));
  if (keys.length === 0)
    throw new BackupError(
      `this backup needs master key ${current}: set TESSERA_MASTER_KEY to the key it was made under (or put its master.key in ${dataDir})`,
    );
  if (!seen.has(current!))
    throw new BackupError(
      `this backup needs master key ${current}, but ${keys.map((k) => `${k.name} is ${masterKeyFingerprint(k.key)}`).join(' and ')}: set TESSERA_MASTER_KEY to the key the backup was made under`,
    );
  // Only values a rotation had not yet moved need the previous key; the server names any at start.
  return previous
    .filter((fp) => !seen.has(fp))
    .map(
      (fp) =>
        `the backup was made during a master-key rotation: unless \`tessera master-key rotate\` had finished, set TESSERA_MASTER_KEY_PREVIOUS to the previous key (fingerprint ${fp}) too`,
    );
}

/** Refuses, with the reason, anything but an intact Tessera backup that this version and these keys can run. */
export function verifyBackup(file: string, keys: NamedKey[], dataDir: string): VerifiedBackup {
  if (!existsSync(file)) throw new BackupError(`no file at ${file}`);
  if (!hasSqliteHeader(file)) throw new BackupError(`${file} is not a SQLite database`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    let integrity: unknown;
    try {
      integrity = db.pragma('integrity_check', { simple: true });
    } catch (error) {
      throw new BackupError(`${file} fails integrity_check: ${(error as Error).message}`);
    }
    if (integrity !== 'ok') throw new BackupError(`${file} fails integrity_check: ${String(integrity)}`);
    const first = db
      .prepare(
        "SELECT name FROM schema_migrations WHERE version = 1 AND EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations')",
      )
      .get() as { name: string } | undefined;
    if (first?.name !== migrations()[0]!.name) throw new BackupError(`${file} is not a Tessera database`);
    const record = readRecord(db);
    if (!record)
      throw new BackupError(
        `${file} has no backup record (it was not made by \`tessera backup\`), so the master key it needs is unknown`,
      );
    const schema = checkSchema(db);
    const warnings = [...schema.warnings, ...checkKeys(record, keys, dataDir)];
    return { ...record, counts: rowCounts(db), pending: schema.pending, warnings };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a Tessera database (${(error as Error).message})`);
  } finally {
    db.close();
  }
}
