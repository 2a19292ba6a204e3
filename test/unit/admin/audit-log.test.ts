// Reading the audit log as an admin: ISO times (UTC, inclusive ends), a user by username or id, one page and the next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT_LABELS } from '../../../src/admin/audit-labels.ts';
import {
  auditQuery,
  exportAuditEvents,
  listAuditEvents,
  parseIsoTime,
} from '../../../src/admin/audit-log.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

const T = Date.UTC(2026, 11, 1, 9, 30) / 1000;

test('ISO times: no offset is UTC; a date or minute as an end covers its last second; nonsense is refused', () => {
  assert.equal(parseIsoTime('2026-12-01T09:30'), T);
  assert.equal(parseIsoTime('2026-12-01T09:30Z'), T);
  assert.equal(parseIsoTime('2026-12-01T10:30+01:00'), T);
  assert.equal(parseIsoTime('2026-12-01T09:30', true), T + 59);
  assert.equal(parseIsoTime('2026-12-01T09:30:15', true), T + 15);
  assert.equal(parseIsoTime('2026-12-01', true), Date.UTC(2026, 11, 1) / 1000 + 86_399);
  for (const bad of ['yesterday', '2026-02-31', '2026-13-01', '1700000000', '2026-12-01T25:00', ''])
    assert.equal(parseIsoTime(bad), undefined, bad);
});

test('the query refuses a type that does not exist and control characters in a name', () => {
  assert.equal(auditQuery.safeParse({ type: 'login.sideways' }).success, false);
  assert.equal(auditQuery.safeParse({ user: 'a\u0000b' }).success, false);
  assert.equal(auditQuery.safeParse({ limit: '5000' }).success, false);
  assert.equal(auditQuery.parse({}).limit, 50);
});

test('a user filter finds the account by username first, else takes the value as an account id', async () => {
  const store = createMemoryStore();
  await store.accounts.create({ id: 'acc-7', username: 'Dana', passwordHash: 'x', claims: {}, createdAt: T });
  await store.audit.record({ type: 'login.failed', at: T, accountId: 'acc-7' });
  await store.audit.record({ type: 'login.failed', at: T, accountId: 'other' });
  const deps = { auditEvents: store.audit, accounts: store.accounts };
  const ids = async (user: string) =>
    (await listAuditEvents(deps, auditQuery.parse({ user }))).events.map((e) => e.accountId);
  assert.deepEqual(await ids('dana'), ['acc-7'], 'by username, any case');
  assert.deepEqual(await ids('acc-7'), ['acc-7'], 'by id');
  assert.deepEqual(await ids('other'), ['other']);
});

test('one page holds at most limit events; next names the last of them, and is null on the last page', async () => {
  const store = createMemoryStore();
  for (let i = 0; i < 3; i++) await store.audit.record({ type: 'login.failed', at: T + i });
  const deps = { auditEvents: store.audit, accounts: store.accounts };
  const first = await listAuditEvents(deps, auditQuery.parse({ limit: 2 }));
  assert.deepEqual(
    first.events.map((e) => e.at),
    [T + 2, T + 1],
  );
  assert.equal(first.next, first.events[1]?.id);
  const last = await listAuditEvents(deps, auditQuery.parse({ limit: 2, before: first.next }));
  assert.deepEqual(
    last.events.map((e) => e.at),
    [T],
  );
  assert.equal(last.next, null);
});

test('every event type has words that are not its key', () => {
  for (const [type, label] of Object.entries(AUDIT_LABELS)) {
    assert.notEqual(label, type);
    assert.match(label, /^[A-Z][a-z]/);
  }
});

test('the export reads in batches after the last id it saw, oldest first, and stops after a short batch', async () => {
  const store = createMemoryStore();
  for (let i = 0; i < 5; i++) await store.audit.record({ type: 'login.failed', at: T + i });
  const asked: { after: number | undefined; limit: number }[] = [];
  const auditEvents = {
    list: (filter: Parameters<typeof store.audit.list>[0]) => {
      asked.push({ after: filter.after, limit: filter.limit });
      return store.audit.list(filter);
    },
    purge: store.audit.purge,
  };
  const seen: number[] = [];
  for await (const e of exportAuditEvents({ auditEvents }, {}, 2)) seen.push(e.at);
  assert.deepEqual(seen, [T, T + 1, T + 2, T + 3, T + 4]);
  assert.deepEqual(
    asked.map((a) => a.limit),
    [2, 2, 2],
  );
  assert.equal(asked[0]?.after, 0);
  assert.ok((asked[1]?.after ?? 0) < (asked[2]?.after ?? 0), 'the cursor moves on');
});
