// The key ring: one signing key per algorithm on first start, rotation that publishes before it signs, the JWKS.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { SIGNING_ALGS } from '../../../src/keys/algorithms.ts';
import { loadKeyRing, RETIRED_KEY_PUBLISHED_FOR, rotateKey } from '../../../src/keys/keyring.ts';
import { masterKeyOf } from '../../../src/keys/master-key.ts';
import { createJwtSigner } from '../../../src/keys/signer.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';
import type { KeyStore } from '../../../src/store/ports/index.ts';

const MASTER = masterKeyOf(Buffer.alloc(32, 5));
const ISSUER = 'https://issuer.example/oauth/v2/oauth-anonymous';
const NOW = 1_700_000_000;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

let keys: KeyStore;
before(async () => {
  keys = createMemoryStore().keys;
  await (await loadKeyRing(keys, MASTER, NOW, ISSUER)).settled();
});

test('a first start is ready with its RS256 key; the other algorithms follow in the background, and signing waits for them', async () => {
  const store = createMemoryStore().keys;
  const ring = await loadKeyRing(store, MASTER, NOW, ISSUER);
  assert.ok(
    ring.has('RS256', NOW),
    'RS256, what clients sign with by default, exists when the ring is returned',
  );
  assert.equal(ring.active('RS256', NOW).alg, 'RS256');
  const signer = createJwtSigner(ring, new FixedClock(NOW));
  // However far the background got, a signature with another algorithm waits for its key instead of failing.
  const jwt = await signer({ sub: 'x' }, { alg: 'EdDSA' });
  assert.equal(decodeProtectedHeader(jwt).alg, 'EdDSA');
  await ring.settled();
  assert.deepEqual((await store.list()).map((k) => k.alg).sort(), [...SIGNING_ALGS].sort());
  assert.equal(ring.jwks().keys.length, SIGNING_ALGS.length, 'then every key is published');
});

test('the first start creates one signing key per algorithm; a second start creates none', async () => {
  const first = await keys.list();
  assert.deepEqual(first.map((k) => k.alg).sort(), [...SIGNING_ALGS].sort());
  await loadKeyRing(keys, MASTER, NOW + 10, ISSUER);
  assert.deepEqual((await keys.list()).map((k) => k.kid).sort(), first.map((k) => k.kid).sort());
  for (const key of first) assert.match(key.privateKey, /^v1\./, 'private keys are stored encrypted');
});

test('the JWKS: kid, alg, use sig, the certificate and its x5t / x5t#S256; no private members', async () => {
  const ring = await loadKeyRing(keys, MASTER, NOW, ISSUER);
  await ring.settled();
  const { keys: published } = ring.jwks();
  assert.equal(published.length, SIGNING_ALGS.length);
  for (const jwk of published) {
    assert.equal(jwk.use, 'sig');
    assert.ok(jwk.kid && jwk.alg);
    for (const member of PRIVATE_MEMBERS)
      assert.equal((jwk as Record<string, unknown>)[member], undefined, `${jwk.alg} leaks ${member}`);
    const der = Buffer.from(jwk.x5c![0]!, 'base64');
    assert.equal(jwk.x5t, createHash('sha1').update(der).digest('base64url'), 'RFC 7517 §4.8');
    assert.equal(jwk['x5t#S256'], createHash('sha256').update(der).digest('base64url'), 'RFC 7517 §4.9');
    const certificate = new X509Certificate(der);
    assert.match(certificate.subject, /issuer\.example/);
    assert.equal(ring.active(jwk.alg as (typeof SIGNING_ALGS)[number], NOW).kid, jwk.kid);
  }
});

test('rotation publishes the new key at once, signs with it from activatesAt, and unpublishes the old one later', async () => {
  const store = createMemoryStore().keys;
  const ring = await loadKeyRing(store, MASTER, NOW, ISSUER);
  await ring.settled();
  const old = ring.active('ES256', NOW).kid;
  const next = await rotateKey(store, MASTER, {
    alg: 'ES256',
    now: NOW + 100,
    publishDelay: 3600,
    issuer: ISSUER,
  });
  await ring.reload(NOW + 100);
  const kids = () => ring.jwks().keys.map((k) => k.kid);
  assert.ok(kids().includes(next.kid), 'published before it signs, so verifiers can fetch it');
  assert.equal(ring.active('ES256', NOW + 100).kid, old, 'the old key signs until activation');
  assert.equal(ring.active('ES256', NOW + 3700).kid, next.kid, 'the new key signs from activatesAt');
  assert.equal(
    ring.active('RS256', NOW + 3700).kid,
    ring.active('RS256', NOW).kid,
    'other algorithms untouched',
  );
  await ring.reload(NOW + 3700 + RETIRED_KEY_PUBLISHED_FOR - 1);
  assert.ok(kids().includes(old), 'the retired key stays published while its tokens may live');
  await ring.reload(NOW + 3700 + RETIRED_KEY_PUBLISHED_FOR);
  assert.ok(!kids().includes(old), 'and leaves the JWKS after that');
  assert.ok(kids().includes(next.kid));
});

test('a ring opened with another master key cannot decrypt the stored keys, and says which key needs which', async () => {
  const other = masterKeyOf(Buffer.alloc(32, 6));
  await assert.rejects(
    loadKeyRing(keys, other, NOW, ISSUER),
    new RegExp(
      `signing key \\w+ kid=[\\w-]+: encrypted under a master key this node does not have \\(fingerprint ${MASTER.fingerprint}\\)`,
    ),
  );
});
