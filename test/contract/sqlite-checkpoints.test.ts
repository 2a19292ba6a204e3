// The server's SQLite store checkpoints the WAL on a worker thread: committed pages reach the database file
// without any commit doing it (SQLite's own automatic checkpoint waits for 1000 WAL pages, inside a commit).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { seedTokens, token } from './cases/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-checkpoints-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes far fewer than 1000 WAL pages, so only a background checkpoint can move them into the file. */
async function writeSomeTokens(file: string, backgroundCheckpoints: boolean) {
  const store = openSqliteStore(file, { backgroundCheckpoints });
  await sleep(300); // the thread is up and has taken over
  const before = statSync(file).size;
  for (let i = 0; i < 60; i++) await seedTokens(store.grants, [token({ hash: `h${i}`, grantId: `g${i}` })]);
  await sleep(800); // a few checkpoint rounds
  const afterWrites = statSync(file).size;
  await store.close();
  return { before, afterWrites };
}

test('with background checkpoints, committed pages reach the database file between requests', async () => {
  const { before, afterWrites } = await writeSomeTokens(join(dir, 'background.db'), true);
  assert.ok(
    afterWrites > before,
    `database file should grow from ${before} bytes (it stayed ${afterWrites})`,
  );
});

test('without them (CLI commands), the same writes stay in the WAL until SQLite checkpoints inside a commit', async () => {
  const { before, afterWrites } = await writeSomeTokens(join(dir, 'inline.db'), false);
  assert.equal(afterWrites, before);
});

test('closing the store stops the checkpoint thread and leaves a database another connection can read', async () => {
  const file = join(dir, 'close.db');
  const store = openSqliteStore(file, { backgroundCheckpoints: true });
  await seedTokens(store.grants, [token({ hash: 'kept' })]);
  await store.close();
  const db = new Database(file, { readonly: true });
  assert.equal((db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n, 1);
  db.close();
});
