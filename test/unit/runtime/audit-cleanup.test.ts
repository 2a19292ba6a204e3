// The audit log's retention: the cleanup loop deletes events older than server.audit.retention_days, 0 keeps them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { purgeAudit, startCleanup } from '../../../src/runtime/cleanup.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

const NOW = 1_700_000_000;
const DAY = 86_400;

async function seeded() {
  const store = createMemoryStore();
  for (const age of [91, 90, 89, 1]) await store.audit.record({ type: 'login.failed', at: NOW - age * DAY });
  const ages = async () => (await store.audit.list({ limit: 10 })).map((e) => (NOW - e.at) / DAY);
  return { store, ages };
}

test('events older than the retention are deleted; one exactly at the limit is kept', async () => {
  const { store, ages } = await seeded();
  assert.equal(await purgeAudit(store.audit, 90, new FixedClock(NOW)), 1);
  assert.deepEqual(await ages(), [1, 89, 90]);
});

test('a retention of 0 days keeps every event', async () => {
  const { store, ages } = await seeded();
  assert.equal(await purgeAudit(store.audit, 0, new FixedClock(NOW)), 0);
  assert.equal((await ages()).length, 4);
});

test('the cleanup loop purges the audit log with the configured retention', async () => {
  const { store, ages } = await seeded();
  const stop = startCleanup({
    maintenance: store.maintenance,
    holder: 'node-a',
    clock: new FixedClock(NOW),
    log: { error: () => {}, warn: () => {} },
    intervalMs: 5,
    audit: { store: store.audit, retentionDays: 30 },
  });
  const deadline = Date.now() + 2000;
  while ((await ages()).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  stop();
  assert.deepEqual(await ages(), [1]);
});

test('a failing audit purge is logged as a warning and the loop goes on', async () => {
  const store = createMemoryStore();
  const warnings: string[] = [];
  let calls = 0;
  const stop = startCleanup({
    maintenance: store.maintenance,
    holder: 'node-a',
    clock: new FixedClock(NOW),
    log: { error: () => {}, warn: (_d, m) => warnings.push(m) },
    intervalMs: 5,
    audit: {
      store: {
        purge: async () => {
          calls += 1;
          throw new Error('database gone');
        },
      },
      retentionDays: 30,
    },
  });
  const deadline = Date.now() + 2000;
  while (calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  stop();
  assert.ok(calls >= 2, 'ran again after a failure');
  assert.ok(warnings.includes('audit log cleanup failed'));
});

test('a node without the cleanup lease leaves the audit log to the node that holds it', async () => {
  let ticks = 0;
  let purges = 0;
  const stop = startCleanup({
    maintenance: {
      // Another node holds the lease: every run is told so.
      async purgeExpired() {
        ticks += 1;
        return null;
      },
      async readiness() {
        return { database: { ok: true }, schema: { ok: true, version: null, nodeVersion: null } };
      },
    },
    holder: 'node-b',
    clock: new FixedClock(NOW),
    log: { error: () => {}, warn: () => {} },
    intervalMs: 5,
    audit: {
      store: {
        purge: async () => {
          purges += 1;
          return 0;
        },
      },
      retentionDays: 30,
    },
  });
  const deadline = Date.now() + 2000;
  while (ticks < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  stop();
  assert.ok(ticks >= 3, 'the loop ran');
  assert.equal(purges, 0, 'no audit purge without the lease');
});
