// The readable diff: entries added, removed and changed field by field, with secrets shown only as a fact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSnapshots } from '../../../src/admin/diff.ts';
import { formatDiff } from '../../../src/admin/diff-text.ts';
import { client, snapshotOf } from './helpers.ts';

test('identical snapshots have no changes', () => {
  assert.deepEqual(
    diffSnapshots(snapshotOf({ clients: [client('a')] }), snapshotOf({ clients: [client('a')] })),
    [],
  );
});

test('an added client lists its fields; a removed scope is one line; order is authenticators, scopes, clients', () => {
  const before = snapshotOf({ scopes: [{ name: 'old' }] });
  const after = snapshotOf({ clients: [client('www')] });
  const changes = diffSnapshots(before, after);
  assert.deepEqual(
    changes.map((c) => [c.kind, c.id, c.action]),
    [
      ['scope', 'old', 'removed'],
      ['client', 'www', 'added'],
    ],
  );
  const fields = changes[1]!.fields;
  assert.deepEqual(
    fields.find((f) => f.field === 'redirect_uris'),
    { field: 'redirect_uris', after: ['https://app.example/cb'] },
  );
  assert.deepEqual(
    fields.find((f) => f.field === 'secret'),
    { field: 'secret', after: '(a secret)' },
  );
});

test('a changed client lists nested fields by path and a new secret without its hash', () => {
  const before = snapshotOf({ clients: [client('www')] });
  const after = snapshotOf({
    clients: [
      client('www', { secret_hash: 'hmac-sha256:y', refresh_token: { enabled: false }, name: 'Web' }),
    ],
  });
  const [change] = diffSnapshots(before, after);
  assert.equal(change!.action, 'changed');
  assert.deepEqual(
    change!.fields,
    [
      { field: 'name', after: 'Web' },
      { field: 'secret', before: '(a secret)', after: '(a new secret)' },
      { field: 'refresh_token.enabled', before: true, after: false },
    ].sort(
      (a, b) =>
        change!.fields.findIndex((f) => f.field === a.field) -
        change!.fields.findIndex((f) => f.field === b.field),
    ),
  );
  assert.ok(!JSON.stringify(change).includes('hmac'), 'no hash in the diff');
});

test('the text form marks lists item by item and says when nothing changed', () => {
  const before = snapshotOf({ clients: [client('www')] });
  const after = snapshotOf({
    clients: [client('www', { redirect_uris: ['https://app.example/cb', 'https://b.example/cb'] })],
  });
  assert.equal(
    formatDiff(diffSnapshots(before, after)),
    '~ client www\n    redirect_uris: + "https://b.example/cb"\n',
  );
  assert.equal(formatDiff([]), 'no changes\n');
});
