// Client secrets: a keyed HMAC is stored, verify accepts only the exact secret and compares in constant time.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { mock, test } from 'node:test';
import { createSecretHasher, generateClientSecret } from '../../../src/keys/secrets.ts';
import { countingRandom } from '../helpers.ts';

const hasher = createSecretHasher(Buffer.alloc(32, 1));
const SECRET = 'web-Secret_K3p9Qz7Tx2Wm5Nb8Rv4Lc1Yh6Jd0Fs-Ga7Ue2Io9';

test('hash is keyed: tagged, deterministic, never the secret, different under another master key', () => {
  const stored = hasher.hash(SECRET);
  assert.match(stored, /^hmac-sha256:[\w-]{43}$/);
  assert.ok(!stored.includes(SECRET));
  assert.equal(hasher.hash(SECRET), stored);
  assert.notEqual(createSecretHasher(Buffer.alloc(32, 2)).hash(SECRET), stored);
});

test('verify accepts the secret and refuses any other value, an empty one and a malformed stored hash', () => {
  const stored = hasher.hash(SECRET);
  assert.equal(hasher.verify(SECRET, stored), true);
  assert.equal(hasher.verify(`${SECRET}x`, stored), false);
  assert.equal(hasher.verify(SECRET.slice(0, -1), stored), false);
  assert.equal(hasher.verify('', stored), false);
  assert.equal(hasher.verify(SECRET, stored.slice(0, -1)), false, 'a shorter stored value, no throw');
  assert.equal(hasher.verify(SECRET, ''), false);
  assert.equal(createSecretHasher(Buffer.alloc(32, 2)).verify(SECRET, stored), false, 'other key');
});

test('verify compares with crypto.timingSafeEqual (constant time), not ===', () => {
  const spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  try {
    assert.equal(hasher.verify(SECRET, hasher.hash(SECRET)), true);
    assert.equal(hasher.verify('wrong', hasher.hash(SECRET)), false);
    assert.equal(spy.mock.callCount(), 2, 'both comparisons went through timingSafeEqual');
  } finally {
    spy.mock.restore();
    syncBuiltinESMExports();
  }
});

test('generateClientSecret gives 256 bits from the random source, base64url', () => {
  assert.match(generateClientSecret(countingRandom()), /^[\w-]{43}$/);
});
