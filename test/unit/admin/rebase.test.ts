// Rebase as a three-way merge by entry: one-sided edits survive, the same edit on both sides is fine, two edits conflict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebaseSnapshot } from '../../../src/admin/rebase.ts';
import { client, snapshotOf } from './helpers.ts';

const base = snapshotOf({ scopes: [{ name: 's' }], clients: [client('a'), client('b')] });

test('my added client and their added scope are both kept', () => {
  const mine = snapshotOf({ scopes: [{ name: 's' }], clients: [client('a'), client('b'), client('mine')] });
  const theirs = snapshotOf({
    scopes: [{ name: 's' }, { name: 'theirs' }],
    clients: [client('a'), client('b')],
  });
  const { snapshot, conflicts } = rebaseSnapshot(base, mine, theirs);
  assert.deepEqual(conflicts, []);
  assert.deepEqual(
    snapshot.scopes.map((s) => s.name),
    ['s', 'theirs'],
  );
  assert.deepEqual(
    snapshot.clients.map((c) => c.client_id),
    ['a', 'b', 'mine'],
  );
});

test('their deletion and my change of another entry are both kept', () => {
  const mine = snapshotOf({ scopes: [{ name: 's' }], clients: [client('a', { name: 'A' }), client('b')] });
  const theirs = snapshotOf({ scopes: [{ name: 's' }], clients: [client('a')] });
  const { snapshot, conflicts } = rebaseSnapshot(base, mine, theirs);
  assert.deepEqual(conflicts, []);
  assert.deepEqual(
    snapshot.clients.map((c) => [c.client_id, c.name]),
    [['a', 'A']],
  );
});

test('the same change on both sides is no conflict', () => {
  const same = snapshotOf({ scopes: [{ name: 's' }], clients: [client('a', { name: 'A' }), client('b')] });
  assert.deepEqual(rebaseSnapshot(base, same, same).conflicts, []);
});

test('two different changes of one entry, or my change of an entry they deleted, conflict and keep theirs', () => {
  const mine = snapshotOf({
    scopes: [{ name: 's' }],
    clients: [client('a', { name: 'mine' }), client('b', { name: 'B' })],
  });
  const theirs = snapshotOf({ scopes: [{ name: 's' }], clients: [client('a', { name: 'theirs' })] });
  const { snapshot, conflicts } = rebaseSnapshot(base, mine, theirs);
  assert.deepEqual(conflicts, [
    { kind: 'client', id: 'a' },
    { kind: 'client', id: 'b' },
  ]);
  assert.equal(snapshot.clients[0]!.name, 'theirs');
});

test('trusted issuers (token exchange) merge like the other entries: theirs added, mine added, both kept', () => {
  const issuer = (url: string) => ({ issuer: url, jwks_uri: `${url}/jwks` });
  const start = snapshotOf({ trusted_issuers: [issuer('https://a.example')] });
  const mine = snapshotOf({ trusted_issuers: [issuer('https://a.example'), issuer('https://mine.example')] });
  const theirs = snapshotOf({
    trusted_issuers: [issuer('https://a.example'), issuer('https://theirs.example')],
  });
  const { snapshot, conflicts } = rebaseSnapshot(start, mine, theirs);
  assert.deepEqual(conflicts, []);
  assert.deepEqual(
    (snapshot.trusted_issuers ?? []).map((t) => t.issuer),
    ['https://a.example', 'https://theirs.example', 'https://mine.example'],
  );
});
