// Signing-key rotation: a new key is published before it signs, and the old key stays published while its tokens live.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { RETIRED_KEY_PUBLISHED_FOR, rotateKey } from '../../src/keys/keyring.ts';
import type { SigningAlg } from '../../src/shared/algorithms.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { jwks, signUp, tokensFor, verifyWithJwks } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;

before(async () => {
  server = await startServer({
    clock,
    config: {
      clients: [
        wwwClient,
        { ...wwwClient, client_id: 'ps', id_token_signed_response_alg: 'PS256' },
        { ...wwwClient, client_id: 'es', id_token_signed_response_alg: 'ES256' },
        { ...wwwClient, client_id: 'ed', id_token_signed_response_alg: 'EdDSA' },
      ],
    },
  });
});
after(() => server.close());

async function rotate(alg: SigningAlg, publishDelay: number): Promise<string> {
  const key = await rotateKey(server.tessera.store.keys, server.tessera.masterKey, {
    alg,
    now: clock.nowSeconds(),
    publishDelay,
    issuer: server.issuer,
  });
  await server.tessera.refresh();
  return key.kid;
}

const kids = async () => (await jwks(server)).keys.map((k) => k['kid']!);

/** A fresh ID token for `clientId`, from a new user (sessions do not outlive the clock moves below). */
let users = 0;
async function idToken(clientId: string): Promise<string> {
  users += 1;
  const agent = await signUp(server, `user-${users}`);
  return (await tokensFor(server, agent, { id: clientId, secret: WWW_SECRET }, { scope: 'openid' }))
    .id_token!;
}

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;

test('every algorithm has a published key at start, each kid once', async () => {
  const set = (await jwks(server)).keys;
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
    assert.ok(
      set.some((k) => k['alg'] === alg),
      alg,
    );
  }
  assert.equal(new Set(set.map((k) => k['kid'])).size, set.length);
});

test('rotation with publishDelay 0: the new kid is in the JWKS and signs new ID tokens; the old kid stays published', async () => {
  const before = await idToken('www');
  const oldKid = kidOf(before);
  const newKid = await rotate('RS256', 0);
  assert.notEqual(newKid, oldKid);
  const published = await kids();
  assert.ok(published.includes(newKid), 'new kid published');
  assert.ok(published.includes(oldKid!), 'old kid still published');
  const after = await idToken('www');
  assert.equal(kidOf(after), newKid);
  await verifyWithJwks(server, after, { audience: 'www', now: clock.nowSeconds() });
});

test('an ID token signed before a rotation still verifies against the JWKS after it', async () => {
  const before = await idToken('es');
  await rotate('ES256', 0);
  await verifyWithJwks(server, before, { audience: 'es', now: clock.nowSeconds() });
});

test('with a publish delay the new kid is published at once, but new ID tokens still use the old kid', async () => {
  const oldKid = kidOf(await idToken('ps'));
  const newKid = await rotate('PS256', 300);
  assert.ok((await kids()).includes(newKid), 'published before it signs');
  clock.advance(299);
  await server.tessera.refresh();
  assert.equal(kidOf(await idToken('ps')), oldKid, 'the old key signs until the delay has passed');
});

test('after activation the new kid signs, and the old key stays in the JWKS', async () => {
  const oldToken = await idToken('ed');
  const oldKid = kidOf(oldToken);
  const newKid = await rotate('EdDSA', 60);
  clock.advance(60);
  await server.tessera.refresh();
  const newToken = await idToken('ed');
  assert.equal(kidOf(newToken), newKid);
  assert.ok((await kids()).includes(oldKid!), 'old kid still published');
  await verifyWithJwks(server, oldToken, { audience: 'ed', now: clock.nowSeconds() });
  await verifyWithJwks(server, newToken, { audience: 'ed', now: clock.nowSeconds() });
});

test('a retired key leaves the JWKS once nothing it signed can still be valid', async () => {
  const oldKid = kidOf(await idToken('www'));
  const newKid = await rotate('RS256', 0);
  clock.advance(RETIRED_KEY_PUBLISHED_FOR - 1);
  await server.tessera.refresh();
  assert.ok((await kids()).includes(oldKid!), 'still published just before');
  clock.advance(1);
  await server.tessera.refresh();
  const published = await kids();
  assert.ok(!published.includes(oldKid!), 'gone after RETIRED_KEY_PUBLISHED_FOR');
  assert.ok(published.includes(newKid), 'the signing key stays');
  assert.ok(RETIRED_KEY_PUBLISHED_FOR > 86_400, 'longer than the longest ID token lifetime');
});
