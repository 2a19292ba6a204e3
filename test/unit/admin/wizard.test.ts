// The New Client wizard: each step's checks, Back, redirect URIs, machine clients and their keys, FAPI 2.0, and the client it ends with.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { advance, initialState, stepsFor, type WizardState } from '../../../src/admin/wizard.ts';
import { WWW_SECRET } from '../../fixtures/server.ts';
import { client, secrets, snapshotOf } from './helpers.ts';

const API = 'https://api.example.com';
const snapshot = snapshotOf({
  scopes: [{ name: 'orders.read' }],
  apis: [{ identifier: API, scopes: ['orders.read'] }],
  clients: [client('taken')],
});
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_JWK = { ...publicKey.export({ format: 'jwk' }), kid: 'svc-1' };
const PRIVATE_JWK = privateKey.export({ format: 'jwk' });
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
  const refused = advance(snapshot, secrets, 'security', tampered, { type: 'next' });
  assert.equal(refused.step, 'redirect_uris');
  assert.equal(refused.done, undefined);
  const state = {
    ...start(),
    redirect_uris: ['http://localhost/callback'],
    auth: 'enter' as const,
    secret_hash: 'hmac-sha256:h',
  };
  const done = advance(snapshot, secrets, 'security', state, { type: 'next' });
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

const machine = (extra: Partial<WizardState> = {}): WizardState => ({
  ...start(),
  client_id: 'svc',
  capabilities: ['client_credentials'],
  scopes: [],
  ...extra,
});

test('a Client Credentials client skips redirect URIs and user authentication, and drops the preselected openid', () => {
  assert.deepEqual(
    stepsFor(machine()).map((s) => s.id),
    ['client', 'capabilities', 'client_authentication', 'scopes', 'apis', 'security'],
  );
  const next = advance(
    snapshot,
    secrets,
    'capabilities',
    { ...start(), capabilities: ['client_credentials'] },
    {
      type: 'next',
    },
  );
  assert.equal(next.step, 'client_authentication');
  assert.deepEqual(next.state.scopes, [], 'openid is for sign-in only');
  assert.equal(
    advance(snapshot, secrets, 'client_authentication', next.state, { type: 'back' }).step,
    'capabilities',
  );
  const unknown = advance(
    snapshot,
    secrets,
    'capabilities',
    { ...start(), capabilities: ['implicit'] },
    {
      type: 'next',
    },
  );
  assert.equal(unknown.issues[0]!.path, 'capabilities');
});

test('a machine client must authenticate: none (public) is refused with Client Credentials', () => {
  const result = advance(snapshot, secrets, 'client_authentication', machine({ auth: 'none' }), {
    type: 'next',
  });
  assert.equal(result.step, 'client_authentication');
  assert.match(result.issues[0]!.message, /must authenticate/);
});

test('private_key_jwt needs public keys, one way: missing, both, bad JSON, a private key and an http URL are refused', () => {
  const cases: [Partial<WizardState>, RegExp][] = [
    [{}, /public keys/],
    [{ jwks: JSON.stringify({ keys: [PUBLIC_JWK] }), jwks_uri: 'https://svc.example/jwks' }, /not both/],
    [{ jwks: '{"keys": [' }, /not valid JSON/],
    [{ jwks: JSON.stringify({ keys: [PRIVATE_JWK] }) }, /private or symmetric key/],
    [{ jwks: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) }, /private or symmetric key/],
    [{ jwks_uri: 'http://svc.example/jwks' }, /https/],
    [{ jwks: JSON.stringify(PUBLIC_JWK), auth_alg: 'HS256' }, /HMAC/],
  ];
  for (const [extra, message] of cases) {
    const state = machine({ auth: 'private_key_jwt', ...extra });
    const result = advance(snapshot, secrets, 'client_authentication', state, { type: 'next' });
    assert.equal(result.step, 'client_authentication', JSON.stringify(extra));
    assert.match(result.issues.map((i) => i.message).join(' '), message);
  }
});

test('a machine client with private_key_jwt, a JWKS URL and an API ends as exactly that client', () => {
  let state = machine({ auth: 'private_key_jwt', jwks_uri: 'https://svc.example/jwks', auth_alg: 'ES256' });
  let result = advance(snapshot, secrets, 'client_authentication', state, { type: 'next' });
  assert.equal(result.step, 'scopes');
  state = { ...result.state, scopes: ['orders.read'], apis: [API], dpop: true };
  result = advance(snapshot, secrets, 'security', state, { type: 'next' });
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.done, {
    input: {
      client_id: 'svc',
      capabilities: ['client_credentials'],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks_uri: 'https://svc.example/jwks',
      authenticator: 'username-password',
      scopes: ['orders.read'],
      apis: [API],
      dpop_bound_access_tokens: true,
    },
  });
});

test('a pasted single JWK is taken as a JWK Set of one, and a configured API must exist', () => {
  const state = machine({ auth: 'private_key_jwt', jwks: JSON.stringify(PUBLIC_JWK, null, 2) });
  const result = advance(
    snapshot,
    secrets,
    'apis',
    { ...state, apis: ['https://nope.example'] },
    { type: 'next' },
  );
  assert.match(result.issues[0]!.message, /no API "https:\/\/nope.example"/);
  const done = advance(snapshot, secrets, 'security', state, { type: 'next' });
  assert.deepEqual(done.done?.input.jwks, { keys: [PUBLIC_JWK] });
});

test('FAPI 2.0 with a client secret is refused at the last step, each broken rule named with its section', () => {
  const state = machine({ auth: 'generate', profile: 'fapi2', request_alg: 'RS256' });
  const result = advance(snapshot, secrets, 'security', state, { type: 'next' });
  assert.equal(result.step, 'security');
  assert.equal(result.done, undefined);
  assert.deepEqual(
    result.issues.map((i) => [i.path, i.message]),
    [
      ['token_endpoint_auth_method', 'FAPI 2.0 (§5.3.2.1) clients authenticate with private_key_jwt'],
      ['request_object_signing_alg', 'FAPI 2.0 (§5.4.1) allows PS256, ES256 or EdDSA for request objects'],
    ],
  );
  const fixed = advance(
    snapshot,
    secrets,
    'security',
    { ...state, auth: 'private_key_jwt', jwks: JSON.stringify(PUBLIC_JWK), request_alg: 'PS256' },
    { type: 'next' },
  );
  assert.deepEqual(fixed.issues, []);
  assert.equal(fixed.done?.input.profile, 'fapi2');
  assert.equal(fixed.done?.input.id_token_signed_response_alg, 'PS256', 'FAPI 2.0 rules out RS256 ID tokens');
});
