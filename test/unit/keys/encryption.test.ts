// Encryption at rest: AES-256-GCM under a derived key, bound to its context; any change is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decrypt, deriveKey, encrypt } from '../../../src/keys/encryption.ts';

const MASTER = Buffer.alloc(32, 3);
const PLAINTEXT = Buffer.from('private key bytes \u0000\u00ff');

test('round trip: what encrypt seals, decrypt opens with the same key and context', () => {
  const sealed = encrypt(MASTER, PLAINTEXT, 'signing-key:kid-1');
  assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(!sealed.includes(PLAINTEXT.toString('base64url')), 'the plaintext does not show');
  assert.deepEqual(decrypt(MASTER, sealed, 'signing-key:kid-1'), PLAINTEXT);
  assert.notEqual(encrypt(MASTER, PLAINTEXT, 'c'), encrypt(MASTER, PLAINTEXT, 'c'), 'a fresh IV each time');
});

test('a changed IV, tag, body or context, or another master key, is refused', () => {
  const sealed = encrypt(MASTER, PLAINTEXT, 'ctx');
  const parts = sealed.split('.');
  const flip = (index: number) => {
    const bytes = Buffer.from(parts[index]!, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    return parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
  };
  for (const index of [1, 2, 3]) assert.throws(() => decrypt(MASTER, flip(index), 'ctx'), /cannot decrypt/);
  assert.throws(() => decrypt(MASTER, sealed, 'other-ctx'), /cannot decrypt/, 'bound to its context');
  assert.throws(() => decrypt(Buffer.alloc(32, 4), sealed, 'ctx'), /TESSERA_MASTER_KEY differs/);
  assert.throws(() => decrypt(MASTER, sealed.replace(/^v1/, 'v2'), 'ctx'), /unrecognised/);
  assert.throws(() => decrypt(MASTER, 'v1.abc', 'ctx'), /unrecognised/);
});

test('deriveKey gives 32 bytes, a different key per purpose and per master key', () => {
  const a = deriveKey(MASTER, 'cookie-signing');
  assert.equal(a.length, 32);
  assert.deepEqual(deriveKey(MASTER, 'cookie-signing'), a, 'deterministic');
  assert.notDeepEqual(deriveKey(MASTER, 'client-secret'), a);
  assert.notDeepEqual(deriveKey(Buffer.alloc(32, 4), 'cookie-signing'), a);
});
