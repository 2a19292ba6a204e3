// AuditStore contract: events kept as recorded, listed newest first or after a cursor, filtered, purged by age.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent } from '../../../src/store/ports/index.ts';
import { T0, type UseStore } from './fixtures.ts';

const events: AuditEvent[] = [
  { type: 'login.failed', at: T0, accountId: 'acc-1', address: '192.0.2.1', detail: { factor: 'pw' } },
  { type: 'login.succeeded', at: T0 + 10, accountId: 'acc-1', detail: { factor: 'pw', step: 1, mfa: false } },
  { type: 'consent.given', at: T0 + 20, accountId: 'acc-2', clientId: 'app' },
  { type: 'config.committed', at: T0 + 30, actor: 'admin', detail: { revision: 7 } },
  { type: 'login.failed', at: T0 + 40, accountId: 'acc-2', clientId: 'app' },
];

export function auditCases(use: UseStore): void {
  const audit = () => use().audit;
  const seed = async () => {
    for (const e of events) await audit().record(e);
  };

  test('an event reads back as recorded, with an id, and no field it was not given', async () => {
    await audit().record(events[1] as AuditEvent);
    const [stored] = await audit().list({ limit: 10 });
    assert.ok(stored && Number.isInteger(stored.id) && stored.id > 0);
    const { id: _id, ...rest } = stored;
    assert.deepEqual(rest, events[1]);
  });

  test('ids increase in the order events were recorded; the list is newest first', async () => {
    await seed();
    const listed = await audit().list({ limit: 10 });
    assert.deepEqual(
      listed.map((e) => e.at),
      events.map((e) => e.at).reverse(),
    );
    const ids = listed.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
  });

  test('before pages newest first; after pages oldest first, the export cursor', async () => {
    await seed();
    const first = await audit().list({ limit: 2 });
    assert.deepEqual(
      first.map((e) => e.at),
      [T0 + 40, T0 + 30],
    );
    const next = await audit().list({ limit: 2, before: first[1]?.id });
    assert.deepEqual(
      next.map((e) => e.at),
      [T0 + 20, T0 + 10],
    );
    const oldest = await audit().list({ limit: 2, after: 0 });
    assert.deepEqual(
      oldest.map((e) => e.at),
      [T0, T0 + 10],
    );
    const rest = await audit().list({ limit: 10, after: oldest[1]?.id });
    assert.deepEqual(
      rest.map((e) => e.at),
      [T0 + 20, T0 + 30, T0 + 40],
    );
  });

  test('filters by account, client, types and an inclusive time range, together', async () => {
    await seed();
    const at = async (filter: Parameters<ReturnType<typeof audit>['list']>[0]) =>
      (await audit().list(filter)).map((e) => e.at);
    assert.deepEqual(await at({ limit: 10, accountId: 'acc-1' }), [T0 + 10, T0]);
    assert.deepEqual(await at({ limit: 10, clientId: 'app' }), [T0 + 40, T0 + 20]);
    assert.deepEqual(await at({ limit: 10, types: ['login.failed'] }), [T0 + 40, T0]);
    assert.deepEqual(await at({ limit: 10, types: ['consent.given', 'config.committed'] }), [
      T0 + 30,
      T0 + 20,
    ]);
    assert.deepEqual(await at({ limit: 10, types: [] }), []);
    assert.deepEqual(await at({ limit: 10, from: T0 + 10, to: T0 + 30 }), [T0 + 30, T0 + 20, T0 + 10]);
    assert.deepEqual(await at({ limit: 10, accountId: 'acc-2', types: ['login.failed'] }), [T0 + 40]);
    assert.deepEqual(await at({ limit: 10, accountId: 'nobody' }), []);
  });

  test('values that look like SQL or carry quotes are stored as text, not run', async () => {
    const odd = "x' OR '1'='1";
    await audit().record({ type: 'login.failed', at: T0, accountId: odd, detail: { reason: odd } });
    await audit().record({ type: 'login.failed', at: T0, accountId: 'other' });
    const found = await audit().list({ limit: 10, accountId: odd });
    assert.equal(found.length, 1);
    assert.equal(found[0]?.detail?.['reason'], odd);
  });

  test('purge deletes events recorded before the time, keeps the rest, and says how many', async () => {
    await seed();
    assert.equal(await audit().purge(T0 + 20), 2);
    assert.deepEqual(
      (await audit().list({ limit: 10 })).map((e) => e.at),
      [T0 + 40, T0 + 30, T0 + 20],
    );
    assert.equal(await audit().purge(T0), 0);
  });
}
