// `tessera audit export` and `tessera audit purge` against a local SQLite database, as an operator runs them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { cliRunner } from '../fixtures/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);

const T0 = Date.UTC(2026, 0, 1) / 1000;
const DAY = 86_400;
/** More than two export batches (500), so the export pages with `after`. */
const COUNT = 1_203;

before(async () => {
  // The CLI creates the database and its keys; the events are then written as the server would.
  assert.equal(tessera(['user', 'list']).code, 0);
  const store = openSqliteStore(join(dir, 'tessera.db'));
  try {
    for (let i = 0; i < COUNT; i++) {
      await store.audit.record({
        type: i % 3 === 0 ? 'login.failed' : 'login.succeeded',
        at: T0 + Math.floor(i / 100) * DAY + i,
        accountId: i % 2 === 0 ? 'alice' : 'bob',
        address: '192.0.2.1',
        detail: { factor: 'username-password' },
      });
    }
  } finally {
    await store.close();
  }
});

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('tessera audit export', () => {
  test('writes every event as one JSON line, oldest first, across batches', () => {
    const result = tessera(['audit', 'export']);
    assert.equal(result.code, 0, result.err);
    const events = lines(result.out);
    assert.equal(events.length, COUNT);
    const ids = events.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(new Set(ids).size, COUNT, 'no event twice at a batch edge');
    assert.deepEqual(events[0], {
      id: events[0].id,
      type: 'login.failed',
      label: 'Login failed',
      at: T0,
      account_id: 'alice',
      address: '192.0.2.1',
      detail: { factor: 'username-password' },
    });
  });

  test('--type, --account, --since and --until filter, the dates inclusive', () => {
    const result = tessera([
      'audit',
      'export',
      '--type',
      'login.failed',
      '--account',
      'alice',
      '--since',
      '2026-01-02',
      '--until',
      '2026-01-03',
    ]);
    assert.equal(result.code, 0, result.err);
    const events = lines(result.out);
    // Days 2 and 3 hold i = 100..299; failed is i % 3 == 0, alice is i even: i % 6 == 0.
    const expected = Array.from({ length: 200 }, (_, k) => k + 100).filter((i) => i % 6 === 0);
    assert.deepEqual(
      events.map((e) => e.at),
      expected.map((i) => T0 + Math.floor(i / 100) * DAY + i),
    );
    for (const e of events) assert.ok(e.type === 'login.failed' && e.account_id === 'alice');
  });

  test('several types with commas; --out writes a file only its owner can read', () => {
    const out = join(dir, 'audit.jsonl');
    const result = tessera(['audit', 'export', '--type', 'login.failed,login.succeeded', '--out', out]);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, '');
    assert.match(result.err, new RegExp(`wrote ${COUNT} audit events to `));
    assert.equal(lines(readFileSync(out, 'utf8')).length, COUNT);
    assert.equal(statSync(out).mode & 0o077, 0);
  });

  test('an unknown type or a time that is not ISO 8601 is refused with the reason', () => {
    const badType = tessera(['audit', 'export', '--type', 'login.sideways']);
    assert.equal(badType.code, 2);
    assert.match(badType.err, /--type: no event type login\.sideways; the types are login\.succeeded/);
    const badTime = tessera(['audit', 'export', '--since', 'last tuesday']);
    assert.equal(badTime.code, 2);
    assert.match(badTime.err, /--since: use an ISO 8601 date or time/);
  });
});

describe('tessera audit purge', () => {
  test('deletes the events before the time, says how many, and records that it did', () => {
    const result = tessera(['audit', 'purge', '--before', '2026-01-05']);
    assert.equal(result.code, 0, result.err);
    // Days 1 to 4 hold i = 0..399.
    assert.match(result.out, /^deleted 400 audit events recorded before 2026-01-05T00:00:00.000Z$/m);
    const events = lines(tessera(['audit', 'export']).out);
    assert.equal(events.length, COUNT - 400 + 1);
    assert.ok(events.every((e) => e.at >= T0 + 4 * DAY || e.type === 'audit.purged'));
    const purged = events.at(-1);
    assert.equal(purged.type, 'audit.purged');
    assert.equal(purged.actor, 'cli');
    assert.deepEqual(purged.detail, { before: '2026-01-05T00:00:00.000Z', deleted: 400 });
  });

  test('--before is required and must be a time', () => {
    assert.notEqual(tessera(['audit', 'purge']).code, 0);
    assert.equal(tessera(['audit', 'purge', '--before', 'soon']).code, 2);
  });
});

describe('tessera user', () => {
  test('create, disable and enable are recorded for the account with cli as the actor, never the password', () => {
    assert.equal(tessera(['user', 'create', 'dave'], 'dave password 1\n').code, 0);
    assert.equal(tessera(['user', 'disable', 'dave']).code, 0);
    assert.equal(tessera(['user', 'enable', 'dave']).code, 0);
    const result = tessera(['audit', 'export', '--account', 'dave']);
    assert.equal(result.code, 0, result.err);
    const events = lines(result.out);
    assert.deepEqual(
      events.map((e) => [e.type, e.actor, e.account_id]),
      [
        ['account.created', 'cli', 'dave'],
        ['account.disabled', 'cli', 'dave'],
        ['account.enabled', 'cli', 'dave'],
      ],
    );
    assert.ok(!result.out.includes('dave password 1'));
  });
});
