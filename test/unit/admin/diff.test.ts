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

test("the text form marks lists item by item, in the wizard's words, and says when nothing changed", () => {
  const before = snapshotOf({ clients: [client('www')] });
  const after = snapshotOf({
    clients: [client('www', { redirect_uris: ['https://app.example/cb', 'https://b.example/cb'] })],
  });
  assert.equal(
    formatDiff(diffSnapshots(before, after)),
    '~ client www\n    redirect URIs: + https://b.example/cb\n',
  );
  assert.equal(formatDiff([]), 'no changes\n');
});

test('APIs diff by identifier, and client fields of issue 12 read as the pages name them', () => {
  const api = { identifier: 'https://api.example.com', scopes: [] };
  const before = snapshotOf({ apis: [api], clients: [client('svc')] });
  const after = snapshotOf({
    apis: [{ ...api, access_token_format: 'opaque' }],
    clients: [
      client('svc', {
        capabilities: ['client_credentials'],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        secret_hash: undefined,
        jwks_uri: 'https://svc.example/jwks',
        apis: ['https://api.example.com'],
        dpop_bound_access_tokens: true,
        profile: 'fapi2',
        id_token_signed_response_alg: 'PS256',
      }),
    ],
  });
  const text = formatDiff(diffSnapshots(before, after));
  assert.equal(
    text,
    [
      '~ API https://api.example.com',
      '    token format: JWT → opaque',
      '~ client svc',
      '    capabilities: + Client Credentials, - Code Flow',
      '    redirect URIs: - https://app.example/cb',
      '    client authentication: Secret, sent with HTTP Basic → Signed JWT with a private key',
      '    allowed APIs: + https://api.example.com',
      '    ID token signing algorithm: RS256 → PS256',
      '    secret: (a secret) → (not set)',
      '    JWKS URL: https://svc.example/jwks',
      '    require DPoP-bound tokens: on',
      '    security profile: FAPI 2.0',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(text, /token_endpoint|jwks_uri|dpop_bound|hmac/, 'no config keys, no hash');
});

test('a secret moved from its hash to its sealed form (client_secret_jwt) is one line: a new secret', () => {
  const before = snapshotOf({ clients: [client('www')] });
  const after = snapshotOf({
    clients: [
      client('www', {
        token_endpoint_auth_method: 'client_secret_jwt',
        secret_hash: undefined,
        secret_sealed: 'v1.x',
      }),
    ],
  });
  const [change] = diffSnapshots(before, after);
  assert.deepEqual(
    change!.fields.filter((f) => f.field === 'secret'),
    [{ field: 'secret', before: '(a secret)', after: '(a new secret)' }],
  );
});
