// SQLite: a writer killed with SIGKILL mid-write leaves a database that opens and holds every acknowledged row.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { killAll, ROOT, spawnNode, until, workspace } from './harness.ts';

const WRITER = join(ROOT, 'test', 'scale', 'sqlite-writer.ts');
const ROUNDS = 3;

const ws = workspace();
after(async () => {
  await killAll();
  ws.remove();
});

const acked = (output: string) => [...output.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));

test('SIGKILL mid-write, three times over: the database opens, passes integrity_check and holds every acknowledged row', async (t) => {
  const file = join(ws.dir, 'tessera.db');
  const all: number[] = [];
  let from = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const writer = spawnNode(`writer ${round}`, ['--import', 'tsx', WRITER, file, String(from)], {});
    // Killed at a different point each round, while it writes as fast as it can.
    const target = 300 + round * 450;
    await until(`writer ${round} to acknowledge ${target} rows`, 30_000, async () => {
      if (writer.exit) assert.fail(`writer exited early: ${writer.output()}`);
      return acked(writer.output()).length >= target ? true : undefined;
    });
    const exit = await writer.kill();
    assert.equal(exit.signal, 'SIGKILL');
    const ids = acked(writer.output());
    assert.ok(ids.length >= target);
    all.push(...ids);

    const raw = new Database(file);
    try {
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
      const accounts = new Set(raw.prepare('SELECT id FROM accounts').pluck().all() as string[]);
      const tokens = new Set(raw.prepare('SELECT hash FROM tokens').pluck().all() as string[]);
      const missing = all.filter(
        (i) =>
          !accounts.has(`account-${i}`) ||
          !tokens.has(`access_token-${i}`) ||
          !tokens.has(`refresh_token-${i}`),
      );
      assert.deepEqual(
        missing.slice(0, 10),
        [],
        `${missing.length} acknowledged rows lost after round ${round}`,
      );
      // The tokens of one transaction: both or neither, even for the write the kill cut short.
      const halves = raw
        .prepare('SELECT grant_id FROM tokens GROUP BY grant_id HAVING count(*) <> 2')
        .pluck()
        .all();
      assert.deepEqual(halves, []);
    } finally {
      raw.close();
    }
    // And the store itself opens it (migrations, WAL) and reads through its own API.
    const store = openSqliteStore(file);
    try {
      const last = ids[ids.length - 1]!;
      assert.equal((await store.grants.findToken(`refresh_token-${last}`))?.accountId, `account-${last}`);
    } finally {
      await store.close();
    }
    t.diagnostic(`round ${round}: killed after ${ids.length} acknowledged writes`);
    from = ids[ids.length - 1]! + 1000;
  }
});
