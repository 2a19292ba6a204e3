// The New Client wizard: each step's checks, Back, adding and removing redirect URIs, and the client it ends with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advance, initialState, type WizardState } from '../../../src/admin/wizard.ts';
import { WWW_SECRET } from '../../fixtures/server.ts';
import { client, secrets, snapshotOf } from './helpers.ts';

const snapshot = snapshotOf({ clients: [client('taken')] });
const start = (): WizardState => ({ ...initialState(snapshot), client_id: 'www' });

test('the first step refuses an empty, an invalid and a taken client id', () => {
  for (const [id, message] of [
    ['', /Enter a client id/],
    ['tab\there', /printable ASCII/],
    ['taken', /exists already/],
  ] as const) {
    const result = advance(snapshot, secrets, 'client', { ...start(), client_id: id }, { type: 'next' });
    assert.equal(result.step, 'client');
    assert.match(result.issues[0]!.message, message);
  }
});

test('redirect URIs are checked as they are added; duplicates and bad ones are refused; remove drops one', () => {
  let result = advance(snapshot, secrets, 'redirect_uris', start(), {
    type: 'add_uri',
    uri: 'http://example.com/cb',
  });
  assert.equal(result.issues[0]!.path, 'new_uri');
  result = advance(snapshot, secrets, 'redirect_uris', start(), {
    type: 'add_uri',
    uri: 'http://localhost/callback',
  });
  assert.deepEqual(result.state.redirect_uris, ['http://localhost/callback']);
  const again = advance(snapshot, secrets, 'redirect_uris', result.state, {
    type: 'add_uri',
    uri: 'http://localhost/callback',
  });
  assert.match(again.issues[0]!.message, /already/);
  const removed = advance(snapshot, secrets, 'redirect_uris', result.state, {
    type: 'remove_uri',
    uri: 'http://localhost/callback',
  });
  assert.deepEqual(removed.state.redirect_uris, []);
  assert.match(
    advance(snapshot, secrets, 'redirect_uris', removed.state, { type: 'next' }).issues[0]!.message,
    /at least one/,
  );
});

test('an entered secret is checked for strength and kept only as its keyed hash', () => {
  const state = { ...start(), auth: 'enter' as const };
  const weak = advance(snapshot, secrets, 'client_authentication', state, { type: 'next' }, 'password123');
  assert.match(weak.issues[0]!.message, /too weak/);
  const ok = advance(snapshot, secrets, 'client_authentication', state, { type: 'next' }, WWW_SECRET);
  assert.equal(ok.step, 'user_authentication');
  assert.equal(ok.state.secret_hash, secrets.hash(WWW_SECRET));
  assert.ok(!JSON.stringify(ok.state).includes(WWW_SECRET), 'no plaintext in the state');
});

test('Back goes one step back and never below the first', () => {
  assert.equal(advance(snapshot, secrets, 'scopes', start(), { type: 'back' }).step, 'user_authentication');
  assert.equal(advance(snapshot, secrets, 'client', start(), { type: 'back' }).step, 'client');
});

test('the last step re-checks every step (hidden fields come from the browser) and builds the client', () => {
  const tampered = { ...start(), redirect_uris: ['http://evil.example/cb'] };
  const refused = advance(snapshot, secrets, 'scopes', tampered, { type: 'next' });
  assert.equal(refused.step, 'redirect_uris');
  assert.equal(refused.done, undefined);
  const state = {
    ...start(),
    redirect_uris: ['http://localhost/callback'],
    auth: 'enter' as const,
    secret_hash: 'hmac-sha256:h',
  };
  const done = advance(snapshot, secrets, 'scopes', state, { type: 'next' });
  assert.deepEqual(done.done, {
    input: {
      client_id: 'www',
      capabilities: ['code'],
      redirect_uris: ['http://localhost/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
      authenticator: 'username-password',
      scopes: ['openid'],
    },
    secretHash: 'hmac-sha256:h',
  });
});
