// Drafts and commits over the memory store: per-owner drafts, undo drops the draft, commit all or nothing, rollback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminError } from '../../../src/admin/errors.ts';
import type { Principal } from '../../../src/admin/principal.ts';
import { adminFixture, client, snapshotOf } from './helpers.ts';

const alice: Principal = { via: 'ui', username: 'alice' };
const bob: Principal = { via: 'ui', username: 'Bob' };
const code = (error: unknown) => (error instanceof AdminError ? error.code : String(error));

test('each admin has a draft of their own; an edit starts it from the live revision', async () => {
  const { service } = adminFixture();
  await service.createScope(alice, { name: 'a' });
  assert.equal((await service.draft(alice)).changes.length, 1);
  assert.equal((await service.draft(bob)).exists, false);
});

test('undoing every edit drops the draft', async () => {
  const { service } = adminFixture();
  await service.createScope(alice, { name: 'a' });
  await service.deleteScope(alice, 'a');
  assert.equal((await service.draft(alice)).exists, false);
});

test('a commit writes one revision with author and message, drops the draft and makes it live', async () => {
  const fx = adminFixture();
  await fx.service.createScope(alice, { name: 'a' });
  const revision = await fx.service.commit(alice, 'add a');
  assert.equal(revision.author, 'alice');
  assert.equal(revision.message, 'add a');
  assert.equal(revision.parent, null);
  assert.equal((await fx.service.draft(alice)).exists, false);
  assert.equal(fx.commits(), 1, 'onCommit made it live');
  await assert.rejects(fx.service.commit(alice, 'again'), (e) => code(e) === 'no_changes');
});

test('a commit on a moved revision is refused as a conflict and writes nothing', async () => {
  const fx = adminFixture();
  await fx.service.createScope(alice, { name: 'a' });
  await fx.service.createScope(bob, { name: 'b' });
  await fx.service.commit(bob, 'b first');
  await assert.rejects(fx.service.commit(alice, 'a'), (e) => code(e) === 'conflict');
  assert.equal((await fx.store.config.list(10)).length, 1);
  await fx.service.rebase(alice);
  await fx.service.commit(alice, 'a after rebase');
  const live = await fx.store.config.current();
  assert.deepEqual(
    live!.snapshot.scopes.map((s) => s.name),
    ['b', 'a'],
  );
});

test('an invalid draft is refused whole with every problem named by entry', async () => {
  const fx = adminFixture();
  await fx.service.createClient(alice, {
    client_id: 'web',
    redirect_uris: ['https://app.example/cb'],
    scopes: ['openid', 'nope'],
    authenticator: 'gone',
  });
  await assert.rejects(fx.service.commit(alice, 'bad'), (e) => {
    assert.ok(e instanceof AdminError, String(e));
    assert.equal(e.code, 'invalid_config');
    assert.deepEqual(
      e.issues.map((i) => i.path),
      ['clients[web].authenticator', 'clients[web].scopes[1]'],
    );
    return true;
  });
  assert.equal(await fx.store.config.currentId(), null);
});

test('two saves of one draft at once both land: the loser re-applies its edit', async () => {
  const { service } = adminFixture();
  await Promise.all([service.createScope(alice, { name: 'x' }), service.createScope(alice, { name: 'y' })]);
  const names = (await service.draft(alice)).snapshot.scopes.map((s) => s.name).sort();
  assert.deepEqual(names, ['x', 'y']);
});

test('rollback commits the old snapshot on top; rolling back to the live revision is refused', async () => {
  const fx = adminFixture();
  await fx.service.createScope(alice, { name: 'a' });
  const first = await fx.service.commit(alice, 'a');
  await fx.service.createScope(alice, { name: 'b' });
  const second = await fx.service.commit(alice, 'b');
  const back = await fx.service.rollback(alice, first.id);
  assert.equal(back.parent, second.id);
  assert.equal(back.message, `roll back to revision ${first.id}`);
  assert.deepEqual(back.snapshot, first.snapshot);
  await assert.rejects(fx.service.rollback(alice, back.id), (e) => code(e) === 'no_changes');
  await assert.rejects(fx.service.rollback(alice, 999), (e) => code(e) === 'not_found');
});

test('API tokens and CLI calls get drafts of their own, and commits name who made them', async () => {
  const fx = adminFixture();
  const token: Principal = { via: 'token', username: 'alice', tokenId: 't1', tokenName: 'ci' };
  await fx.service.createScope(token, { name: 'from-token' });
  assert.equal((await fx.service.draft(alice)).exists, false);
  const revision = await fx.service.commit(token, 'by token');
  assert.equal(revision.author, 'alice (API token "ci")');
});

test('a commit that would leave a config-file client without what it needs is refused before anything is written', async () => {
  const fx = adminFixture(snapshotOf({ authenticators: [], clients: [client('www')] }));
  await fx.service.deleteAuthenticator(alice, 'username-password');
  assert.deepEqual((await fx.service.draft(alice)).issues, [
    {
      path: 'clients[www].authenticator',
      message: 'no authenticator with id "username-password" (needed by an entry the config file declares)',
    },
  ]);
  await assert.rejects(fx.service.commit(alice, 'drop it'), (e) => code(e) === 'invalid_config');
  assert.equal(await fx.store.config.currentId(), null, 'no revision the nodes could not run');
  assert.equal(fx.commits(), 0);
});
