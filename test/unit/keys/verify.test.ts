// id_token_hint recognition: our signature and issuer, an ID token (not an access token), expired ones tolerated.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, test } from 'node:test';
import { SignJWT } from 'jose';
import { type KeyRing, loadKeyRing } from '../../../src/keys/keyring.ts';
import { masterKeyOf } from '../../../src/keys/master-key.ts';
import { createJwtSigner } from '../../../src/keys/signer.ts';
import { createIdTokenHintVerifier } from '../../../src/keys/verify.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

const ISSUER = 'https://issuer.example/oauth/v2/oauth-anonymous';
const NOW = 1_700_000_000;
const clock = new FixedClock(NOW);
let ring: KeyRing;
before(async () => {
  ring = await loadKeyRing(createMemoryStore().keys, masterKeyOf(Buffer.alloc(32, 5)), NOW, ISSUER);
});
const idToken = (claims: Record<string, unknown> = {}, typ?: string) =>
  createJwtSigner(ring, clock)(
    { iss: ISSUER, sub: 'alice', aud: 'www', purpose: 'id', iat: NOW, exp: NOW + 60, ...claims },
    { alg: 'RS256', ...(typ ? { typ } : {}) },
  );

test('an ID token we signed gives its sub and aud, also once expired (OIDC Core §3.1.2.1)', async () => {
  const verify = createIdTokenHintVerifier(ring, ISSUER, clock);
  assert.deepEqual(await verify(await idToken()), { sub: 'alice', aud: 'www' });
  assert.deepEqual(await verify(await idToken({ exp: NOW - 3600 })), { sub: 'alice', aud: 'www' });
});

test('an access token, a token of another purpose or issuer, or one signed by another key is not a hint', async () => {
  const verify = createIdTokenHintVerifier(ring, ISSUER, clock);
  assert.equal(await verify(await idToken({}, 'at+jwt')), undefined);
  assert.equal(await verify(await idToken({ purpose: 'access' })), undefined);
  assert.equal(await verify(await idToken({ iss: 'https://other.example' })), undefined);
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = ring.active('RS256', NOW).kid;
  const forged = await new SignJWT({ iss: ISSUER, sub: 'alice', aud: 'www', purpose: 'id' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(foreign.privateKey);
  assert.equal(await verify(forged), undefined);
  assert.equal(await verify('not.a.jwt'), undefined);
});
