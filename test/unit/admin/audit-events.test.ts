// The admin's audit events: a commit and a rollback name the admin, the address and the revision.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../../src/admin/principal.ts';
import { adminFixture, NOW } from './helpers.ts';

const alice: Principal = { via: 'ui', username: 'alice', address: '203.0.113.9' };

test('a commit records config.committed with the admin as actor, the address and the revision', async () => {
  const fx = adminFixture();
  await fx.service.createScope(alice, { name: 'a' });
  const revision = await fx.service.commit(alice, 'add a');
  const events = await fx.store.audit.list({ limit: 10 });
  assert.deepEqual(
    events.map(({ id: _, ...e }) => e),
    [
      {
        type: 'config.committed',
        at: NOW,
        actor: 'alice',
        address: '203.0.113.9',
        detail: { revision: revision.id },
      },
    ],
  );
});

test('a rollback records config.rolled_back with the new revision and the one restored', async () => {
  const fx = adminFixture();
  await fx.service.createScope(alice, { name: 'a' });
  const first = await fx.service.commit(alice, 'a');
  await fx.service.createScope(alice, { name: 'b' });
  await fx.service.commit(alice, 'b');
  const rolled = await fx.service.rollback(alice, first.id);
  const [latest] = await fx.store.audit.list({ limit: 1 });
  assert.deepEqual(latest && { ...latest, id: 0 }, {
    id: 0,
    type: 'config.rolled_back',
    at: NOW,
    actor: 'alice',
    address: '203.0.113.9',
    detail: { revision: rolled.id, restored: first.id },
  });
});

test('a refused commit records nothing', async () => {
  const fx = adminFixture();
  await assert.rejects(fx.service.commit(alice, 'nothing to commit'));
  assert.deepEqual(await fx.store.audit.list({ limit: 10 }), []);
});
