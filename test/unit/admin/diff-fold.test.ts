// A new client's diff: one headline in the wizard's words, the fields it sets, and its defaults folded under a count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSnapshots } from '../../../src/admin/diff.ts';
import { foldAddedClient } from '../../../src/admin/diff-fold.ts';
import { formatDiff } from '../../../src/admin/diff-text.ts';
import { diffView } from '../../../src/http/admin-ui/diff-view.ts';
import { snapshotOf } from './helpers.ts';

const www = {
  client_id: 'www',
  name: 'WWW',
  redirect_uris: ['https://www.example/cb'],
  secret_hash: 'hmac-sha256:x',
  scopes: ['openid', 'profile', 'email'],
};

test('an added client is one line (Code Flow, secret with HTTP Basic, 3 scopes) with its defaults counted, not listed', () => {
  const text = formatDiff(diffSnapshots(snapshotOf(), snapshotOf({ clients: [www] })));
  assert.equal(
    text,
    [
      '+ client www (Code Flow, secret with HTTP Basic, 3 scopes) — 13 defaults',
      '    display name: WWW',
      '    redirect URIs: https://www.example/cb',
      '    scopes: openid, profile, email',
      '    secret: (a secret)',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(text, /access token lifetime|refresh token/, 'defaults are folded away');
});

test('a field set away from its default is listed, and is no longer counted as a default', () => {
  const [change] = diffSnapshots(
    snapshotOf(),
    snapshotOf({ clients: [{ ...www, access_token_lifetime: 60, consent_required: true }] }),
  );
  const folded = foldAddedClient(change!)!;
  assert.deepEqual(
    folded.fields.map((f) => f.field),
    ['name', 'redirect_uris', 'scopes', 'consent_required', 'access_token_lifetime', 'secret'],
  );
  assert.equal(folded.defaults.length, 11);
  assert.ok(!folded.defaults.some((f) => f.field === 'access_token_lifetime'));
});

test('a machine client reads Client Credentials with its method; a changed client is never folded', () => {
  const machine = {
    client_id: 'svc',
    capabilities: ['client_credentials' as const],
    token_endpoint_auth_method: 'client_secret_post' as const,
    secret_hash: 'hmac-sha256:y',
    scopes: [],
  };
  const [added] = diffSnapshots(snapshotOf(), snapshotOf({ clients: [machine] }));
  assert.equal(foldAddedClient(added!)!.headline, 'Client Credentials, secret in the form body, 0 scopes');
  const [changed] = diffSnapshots(
    snapshotOf({ clients: [www] }),
    snapshotOf({ clients: [{ ...www, token_endpoint_auth_method: 'client_secret_post' }] }),
  );
  assert.equal(foldAddedClient(changed!), undefined);
  assert.equal(
    formatDiff([changed!]),
    '~ client www\n    client authentication: Secret, sent with HTTP Basic → Secret, sent in the form body\n',
  );
});

test('the page view carries the headline and the folded defaults in words', () => {
  const [view] = diffView(diffSnapshots(snapshotOf(), snapshotOf({ clients: [www] })));
  assert.equal(view!.headline, 'Code Flow, secret with HTTP Basic, 3 scopes');
  assert.equal(view!.defaults.length, 13);
  assert.ok(view!.defaults.some((f) => f.field === 'access token lifetime' && f.after === '300 s'));
  assert.ok(!view!.fields.some((f) => f.field === 'capabilities'));
});
