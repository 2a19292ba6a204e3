// MaintenanceStore contract: expired codes, tokens, sessions, replay keys and pushed requests purged in
// batches by one lease holder at a time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, code, pushedRequest, seedTokens, session, T0, token, type UseStore } from './fixtures.ts';

const NOW = T0 + 1000;

export function maintenanceCases(use: UseStore): void {
  const store = () => use();

  /** Two rows of each kind: one expired before NOW, one still valid after it. */
  async function seed(): Promise<void> {
    await store().accounts.create(account());
    await seedTokens(store().grants, [
      token({ hash: 'token-old', expiresAt: NOW - 1 }),
      token({ hash: 'token-new', expiresAt: NOW + 1 }),
    ]);
    await store().grants.saveCode(code({ hash: 'code-old', expiresAt: NOW - 1 }));
    await store().grants.saveCode(code({ hash: 'code-new', expiresAt: NOW + 1 }));
    await store().sessions.create(session({ idHash: 'session-old', expiresAt: NOW - 1 }));
    await store().sessions.create(session({ idHash: 'session-new', expiresAt: NOW + 1 }));
  }

  test('purgeExpired deletes expired codes, tokens and sessions, keeps live ones, and counts what it deleted', async () => {
    await seed();
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 100), 3);
    assert.equal(await store().grants.findCode('code-old'), undefined);
    assert.equal(await store().grants.findToken('token-old'), undefined);
    assert.equal(await store().sessions.find('session-old', NOW - 10), undefined);
    assert.ok(await store().grants.findCode('code-new'));
    assert.ok(await store().grants.findToken('token-new'));
    assert.ok(await store().sessions.find('session-new', NOW));
  });

  test('purgeExpired deletes expired replay keys and pushed requests, keeps live ones, and counts them', async () => {
    await store().replay.recordOnce('jti-old', NOW - 1, T0);
    await store().replay.recordOnce('jti-new', NOW + 1, T0);
    await store().pushedRequests.push(pushedRequest({ hash: 'par-old', expiresAt: NOW - 1 }));
    await store().pushedRequests.push(pushedRequest({ hash: 'par-new', expiresAt: NOW + 1 }));
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 100), 2);
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 100), 0, 'nothing expired is left');
    assert.equal(await store().replay.recordOnce('jti-new', NOW + 100, NOW), false, 'the live key stays');
    assert.equal((await store().pushedRequests.take('par-new', NOW))?.hash, 'par-new');
  });

  test('purgeExpired with nothing expired answers 0 to the lease holder', async () => {
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 100), 0);
  });

  test('purgeExpired deletes at most batch rows of a kind per call, and later calls delete the rest', async () => {
    await seedTokens(
      store().grants,
      Array.from({ length: 5 }, (_, i) => token({ hash: `old-${i}`, expiresAt: NOW - 1 })),
    );
    const first = await store().maintenance.purgeExpired('node-a', NOW, 2);
    assert.equal(first, 2);
    let remaining = 0;
    for (let i = 0; i < 5; i++) if (await store().grants.findToken(`old-${i}`)) remaining += 1;
    assert.equal(remaining, 3);
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 2), 2);
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 2), 1);
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW, 2), 0);
  });

  test('purgeExpired answers null and deletes nothing while another holder has the lease', async () => {
    await store().maintenance.purgeExpired('node-a', NOW, 100);
    await seed();
    assert.equal(await store().maintenance.purgeExpired('node-b', NOW + 1, 100), null);
    assert.ok(await store().grants.findToken('token-old'), 'nothing was deleted');
  });

  test('the lease holder keeps the lease on its next run', async () => {
    await store().maintenance.purgeExpired('node-a', NOW, 100);
    await seed();
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW + 1, 100), 3);
  });

  test('a lease its holder stopped renewing passes to another holder an hour later', async () => {
    await store().maintenance.purgeExpired('node-a', NOW, 100);
    await seed();
    // An hour on, every seeded row has expired.
    assert.equal(await store().maintenance.purgeExpired('node-b', NOW + 3600, 100), 6);
    assert.equal(await store().maintenance.purgeExpired('node-a', NOW + 3601, 100), null, 'node-a lost it');
  });

  test('readiness of a freshly opened store: the database answers and the schema is the one this node was built for', async () => {
    const { database, schema } = await store().maintenance.readiness();
    assert.deepEqual(database, { ok: true });
    assert.equal(schema.ok, true);
    assert.equal(schema.reason, undefined);
    assert.equal(schema.version, schema.nodeVersion, 'no schema (memory) or exactly its own');
  });
}
