// /health/ready names each check and why it fails, answers 503 (never 500) on a schema this node cannot run
// with, and logs a change of state once; /health/live stays trivial.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { stringify } from 'yaml';
import { readinessProbe } from '../../src/http/readiness.ts';
import { createTessera, type Tessera } from '../../src/main.ts';
import type { StoreReadiness } from '../../src/store/ports/index.ts';
import { NODE_SCHEMA } from '../../src/store/sqlite/migrate.ts';
import { MASTER_KEY, wwwClient } from '../fixtures/server.ts';

/** A logger whose lines are kept, parsed, for the assertions. */
function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('/health/ready on a real server (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ready-'));
  const log = capture();
  let tessera: Tessera;
  const ready = async () => {
    const res = await tessera.app.inject({ method: 'GET', url: '/health/ready' });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };
  const notReadyLines = () => log.lines.filter((l) => String(l['msg']).startsWith('not ready'));

  before(async () => {
    const configFile = join(dir, 'tessera.yaml');
    writeFileSync(configFile, stringify({ clients: [wwwClient] }));
    tessera = await createTessera({
      overrides: {
        config: configFile,
        data: dir,
        port: 8443,
        host: '127.0.0.1',
        baseUrl: 'http://127.0.0.1:8443',
      },
      env: { TESSERA_MASTER_KEY: MASTER_KEY },
      logger: { level: 'info', stream: log.stream },
    });
  });
  after(async () => {
    await tessera.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('ready: 200 with every check ok, the schema version, the node version and the config revision', async () => {
    const res = await ready();
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      status: 'ready',
      checks: {
        database: { ok: true },
        schema: { ok: true, version: NODE_SCHEMA, node_version: NODE_SCHEMA },
        keys: { ok: true },
        config: { ok: true, revision: tessera.live().revision },
      },
    });
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(notReadyLines(), [], 'a ready node logs nothing about readiness');
  });

  test('a breaking migration applied by a newer node: 503 with the reason, logged once however often it is probed', async () => {
    const db = new Database(join(dir, 'tessera.db'));
    const next = NODE_SCHEMA + 1;
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at, kind) VALUES (?, ?, 0, ?)').run(
      next,
      `${next}_drop_old_columns.sql`,
      'breaking',
    );
    db.close();
    for (let i = 0; i < 3; i++) {
      const res = await ready();
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'unavailable');
      assert.deepEqual(res.body.checks.database, { ok: true });
      assert.deepEqual(res.body.checks.schema, {
        ok: false,
        version: next,
        node_version: NODE_SCHEMA,
        reason: `schema ${next} has breaking migration ${next} (${next}_drop_old_columns.sql) that this node (knows up to ${NODE_SCHEMA}) cannot run with`,
      });
    }
    const lines = notReadyLines();
    assert.equal(lines.length, 1, 'one line for the change, not one per probe');
    assert.match(String(lines[0]!['msg']), /schema: schema \d+ has breaking migration/);
  });

  test('the schema made compatible again: 200, and one line saying so', async () => {
    const db = new Database(join(dir, 'tessera.db'));
    db.prepare("UPDATE schema_migrations SET kind = 'additive' WHERE version = ?").run(NODE_SCHEMA + 1);
    db.close();
    const res = await ready();
    assert.equal(res.status, 200);
    assert.equal(res.body.checks.schema.version, NODE_SCHEMA + 1, 'a newer, additive schema is served');
    assert.equal(log.lines.filter((l) => l['msg'] === 'ready again').length, 1);
  });

  test('/health/live stays trivial: 200 {"status":"ok"}', async () => {
    const res = await tessera.app.inject({ method: 'GET', url: '/health/live' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });
});

describe('readinessProbe', () => {
  const down: StoreReadiness = {
    database: {
      ok: false,
      reason: 'the database is unreachable (ECONNREFUSED)',
      detail: 'connect ECONNREFUSED 10.0.0.5:5432',
    },
    schema: { ok: false, version: null, nodeVersion: 8, reason: 'not checked: the database did not answer' },
  };
  const up: StoreReadiness = { database: { ok: true }, schema: { ok: true, version: 8, nodeVersion: 8 } };

  test('an unreachable database: the reason in the body, the driver message (with the address) only in the log', async () => {
    const log = capture();
    let state = down;
    const probe = readinessProbe(
      { store: async () => state, keysLoaded: () => true, revision: () => 3 },
      pino({ level: 'info' }, log.stream),
    );
    const report = await probe();
    assert.equal(report.status, 'unavailable');
    assert.deepEqual(report.checks.database, {
      ok: false,
      reason: 'the database is unreachable (ECONNREFUSED)',
    });
    assert.doesNotMatch(JSON.stringify(report), /10\.0\.0\.5/, 'no address in the body');
    await probe();
    state = up;
    assert.equal((await probe()).status, 'ready');
    await probe();
    const messages = log.lines.map((l) => l['msg']);
    assert.deepEqual(messages, [
      'not ready: database: the database is unreachable (ECONNREFUSED); schema: not checked: the database did not answer',
      'ready again',
    ]);
    assert.equal(log.lines[0]!['detail'], 'connect ECONNREFUSED 10.0.0.5:5432');
    assert.equal(log.lines[0]!['level'], 40);
  });

  test('keys not loaded make the node unavailable, with the keys check naming it', async () => {
    const log = capture();
    const probe = readinessProbe(
      { store: async () => up, keysLoaded: () => false, revision: () => 1 },
      pino({ level: 'info' }, log.stream),
    );
    const report = await probe();
    assert.equal(report.status, 'unavailable');
    assert.deepEqual(report.checks.keys, { ok: false });
    assert.equal(log.lines[0]!['msg'], 'not ready: keys: not loaded');
  });
});
