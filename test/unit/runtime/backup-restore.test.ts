// runtime/backup.ts, verify-backup.ts and restore.ts on real SQLite files: what a backup records, and each reason a restore refuses.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { BackupError, takeBackup } from '../../../src/runtime/backup.ts';
import { masterKeyFingerprint, type NamedKey, RECORD_TABLE } from '../../../src/runtime/backup-record.ts';
import { maskedUrl, pgDumpCommand, pgRestoreCommand } from '../../../src/runtime/pg-backup.ts';
import { databaseInUse, restoreBackup } from '../../../src/runtime/restore.ts';
import { verifyBackup } from '../../../src/runtime/verify-backup.ts';
import { openSqliteStore } from '../../../src/store/sqlite/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KEY: NamedKey = { name: 'TESSERA_MASTER_KEY', key: Buffer.alloc(32, 7) };
const OTHER: NamedKey = { name: 'TESSERA_MASTER_KEY', key: Buffer.alloc(32, 8) };
let n = 0;
const fresh = (name: string) => join(dir, `${++n}-${name}`);

/** A database as a server leaves it: migrated, in WAL mode, with a signing key row; the store stays open. */
async function liveDatabase() {
  const file = join(fresh('data'), 'tessera.db');
  const store = openSqliteStore(file);
  await store.keys.insert({
    kid: `kid-${n}`,
    alg: 'ES256',
    publicJwk: '{}',
    privateKey: 'v1.a.b.c',
    certificate: '',
    createdAt: 1,
    activatesAt: 1,
    retiredAt: null,
  });
  return { file, store };
}

async function backupOf(mutate?: (db: Database.Database) => void): Promise<string> {
  const { file, store } = await liveDatabase();
  if (mutate) {
    const db = new Database(file);
    mutate(db);
    db.close();
  }
  const destination = fresh('backup.db');
  await takeBackup({ databaseFile: file, destination, keys: [KEY], now: 1_700_000_000 });
  await store.close();
  return destination;
}

const refusal = (fn: () => unknown, reason: RegExp) =>
  assert.throws(fn, (error: unknown) => error instanceof BackupError && reason.test(error.message));

describe('tessera backup', () => {
  test('a backup of an open WAL database is one intact file, mode 0600, recording schema version and key fingerprint', async () => {
    const { file, store } = await liveDatabase();
    const destination = fresh('backup.db');
    const report = await takeBackup({ databaseFile: file, destination, keys: [KEY], now: 1_700_000_000 });
    await store.close();
    assert.equal(statSync(destination).mode & 0o777, 0o600);
    assert.equal(report.counts['signing_keys'], 1);
    assert.ok(report.schemaVersion >= 8);
    assert.deepEqual(report.fingerprints, [masterKeyFingerprint(KEY.key)]);
    // Nothing beside it: no -wal to lose, no temp file left.
    assert.deepEqual(
      readdirSync(join(destination, '..')).filter((f) => f.startsWith(`${n}-backup.db`)),
      [`${n}-backup.db`],
    );
    const db = new Database(destination, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    const verified = verifyBackup(destination, [KEY], dir);
    assert.equal(verified.schemaVersion, report.schemaVersion);
    assert.deepEqual(verified.pending, []);
  });

  test('the fingerprint names a key: 6 bytes of hex, stable, distinct per key', () => {
    const fp = masterKeyFingerprint(KEY.key);
    assert.match(fp, /^[0-9a-f]{12}$/);
    assert.equal(fp, masterKeyFingerprint(Buffer.from(KEY.key)));
    assert.notEqual(fp, masterKeyFingerprint(OTHER.key));
  });

  test('a backup refuses without a master key, and never writes over the live database', async () => {
    const { file, store } = await liveDatabase();
    await assert.rejects(
      takeBackup({ databaseFile: file, destination: fresh('x.db'), keys: [], now: 1 }),
      /no master key/,
    );
    await assert.rejects(
      takeBackup({ databaseFile: file, destination: file, keys: [KEY], now: 1 }),
      /cannot be the live database/,
    );
    await store.close();
  });
});

describe('tessera restore refuses, with the reason', () => {
  test('a file that is not a SQLite database', () => {
    const file = fresh('notes.db');
    writeFileSync(file, 'just some text, not a database at all\n');
    refusal(() => verifyBackup(file, [KEY], dir), /is not a SQLite database/);
  });

  test('a corrupt backup: integrity_check fails', async () => {
    const file = await backupOf();
    const db = new Database(file, { readonly: true });
    const { rootpage } = db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'config_revisions'")
      .get() as {
      rootpage: number;
    };
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
    closeSync(fd);
    refusal(() => verifyBackup(file, [KEY], dir), /fails integrity_check/);
  });

  test("a SQLite database that is not Tessera's", () => {
    const file = fresh('other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    refusal(() => verifyBackup(file, [KEY], dir), /is not a Tessera database/);
  });

  test('a copy of tessera.db not made by tessera backup: the key it needs is unknown', async () => {
    const { file, store } = await liveDatabase();
    await store.close();
    refusal(() => verifyBackup(file, [KEY], dir), /has no backup record/);
  });

  test('another master key: both fingerprints named, never the keys', async () => {
    const file = await backupOf();
    refusal(
      () => verifyBackup(file, [OTHER], dir),
      new RegExp(
        `needs master key ${masterKeyFingerprint(KEY.key)}, but TESSERA_MASTER_KEY is ${masterKeyFingerprint(OTHER.key)}`,
      ),
    );
    refusal(() => verifyBackup(file, [], dir), /needs master key [0-9a-f]{12}: set TESSERA_MASTER_KEY/);
  });

  test('a backup made during a rotation warns when the previous key is not set', async () => {
    const { file, store } = await liveDatabase();
    const destination = fresh('rotating.db');
    await takeBackup({
      databaseFile: file,
      destination,
      keys: [KEY, { ...OTHER, name: 'TESSERA_MASTER_KEY_PREVIOUS' }],
      now: 1,
    });
    await store.close();
    assert.match(verifyBackup(destination, [KEY], dir).warnings.join(), /during a master-key rotation/);
    assert.deepEqual(verifyBackup(destination, [KEY, OTHER], dir).warnings, []);
    refusal(() => verifyBackup(destination, [OTHER], dir), /needs master key/);
  });

  /** A backup whose schema has migration 999, as a newer release recorded it. */
  const newerBackup = (kind: 'additive' | 'breaking') =>
    backupOf((db) => {
      const columns = db.prepare("SELECT name FROM pragma_table_info('schema_migrations')").all() as {
        name: string;
      }[];
      if (!columns.some((c) => c.name === 'kind'))
        db.exec("ALTER TABLE schema_migrations ADD COLUMN kind TEXT NOT NULL DEFAULT 'additive'");
      db.prepare(
        "INSERT INTO schema_migrations (version, name, applied_at, kind) VALUES (999, '999_future.sql', 0, ?)",
      ).run(kind);
    });

  test('a schema newer than this version knows, with a breaking migration it cannot run with', async () => {
    const file = await newerBackup('breaking');
    refusal(
      () => verifyBackup(file, [KEY], dir),
      /newer than this Tessera can run \(.*breaking migration 999/,
    );
  });

  test('(but not a newer schema whose extra migrations are all additive: this version runs on it, with a warning)', async () => {
    const verified = verifyBackup(await newerBackup('additive'), [KEY], dir);
    assert.match(verified.warnings.join(), /migration 999_future.sql, newer than this Tessera/);
  });

  test('over an existing database without --force, and over one a running process holds even with it', async () => {
    const backup = await backupOf();
    const { file, store } = await liveDatabase();
    await store.close();
    refusal(
      () => restoreBackup({ file: backup, target: file, keys: [KEY], force: false }),
      /exists: stop the server and pass --force/,
    );
    // Another process holds it open through the store, as a server does.
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/store/sqlite/index.ts').then((m) => { m.openSqliteStore(${JSON.stringify(file)}); console.log('open'); setInterval(() => {}, 1000); })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      assert.equal(databaseInUse(file), 'in use');
      refusal(
        () => restoreBackup({ file: backup, target: file, keys: [KEY], force: true }),
        /open in another process/,
      );
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('close', resolve));
    }
  });
});

describe('tessera restore', () => {
  test('replaces a stopped database with --force, drops stale -wal/-shm and the backup record; the next start opens it', async () => {
    const backup = await backupOf();
    const { file, store } = await liveDatabase();
    await store.close();
    writeFileSync(`${file}-wal`, 'stale wal of the old database');
    writeFileSync(`${file}-shm`, 'stale shm');
    const report = restoreBackup({ file: backup, target: file, keys: [KEY], force: true });
    assert.equal(report.replaced, true);
    assert.ok(!existsSync(`${file}-wal`) && !existsSync(`${file}-shm`));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const db = new Database(file, { readonly: true });
    assert.equal(db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(RECORD_TABLE), undefined);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    const reopened = openSqliteStore(file);
    assert.equal((await reopened.keys.list()).length, 1);
    await reopened.close();
  });

  test('into a fresh data directory, without --force', async () => {
    const backup = await backupOf();
    const target = join(fresh('new-data'), 'tessera.db');
    mkdirSync(join(target, '..'), { recursive: true });
    assert.equal(restoreBackup({ file: backup, target, keys: [KEY], force: false }).replaced, false);
    assert.ok(existsSync(target));
  });
});

describe('PostgreSQL: the pg_dump and pg_restore commands', () => {
  test('print the database URL with its password masked', () => {
    const url = 'postgres://tessera:s3cret-pw@db.internal:5432/tessera';
    assert.equal(maskedUrl(url), 'postgres://tessera:****@db.internal:5432/tessera');
    for (const command of [pgDumpCommand(url, '/backups/t.dump'), pgRestoreCommand(url, '/backups/t.dump')]) {
      assert.ok(!command.includes('s3cret'), command);
      assert.match(command, /'postgres:\/\/tessera:\*\*\*\*@db\.internal:5432\/tessera'/);
    }
    assert.match(
      pgDumpCommand(url, '/backups/t.dump'),
      /^pg_dump --format=custom --file=\/backups\/t\.dump /,
    );
  });
});
