// Encryption at rest: AES-256-GCM bound to its context, one sealed format with an optional trailing key id; any change is refused.
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { test } from 'node:test';
import { deriveKey, keyIdOf, open, SealError, seal } from '../../../src/keys/encryption.ts';

const KEY = Buffer.alloc(32, 3);
const PLAINTEXT = Buffer.from('private key bytes \u0000\u00ff');

/** The 0.1.0 reader, as released (src/keys/encryption.ts `decrypt`, less the key derivation). */
function releasedDecrypt(key: Buffer, sealed: string, context: string): Buffer {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined)
    throw new Error('unrecognised encrypted key format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}

test('round trip: what seal seals, open opens with the same key and context', () => {
  const sealed = seal(KEY, PLAINTEXT, 'signing-key:kid-1');
  assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(!sealed.includes(PLAINTEXT.toString('base64url')), 'the plaintext does not show');
  assert.deepEqual(open(KEY, sealed, 'signing-key:kid-1'), PLAINTEXT);
  assert.notEqual(seal(KEY, PLAINTEXT, 'c'), seal(KEY, PLAINTEXT, 'c'), 'a fresh IV each time');
});

test('a key id trails the value, is read back, and leaves what it seals unchanged', () => {
  const sealed = seal(KEY, PLAINTEXT, 'ctx', '0a1b2c3d4e5f');
  assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+\.0a1b2c3d4e5f$/);
  assert.equal(keyIdOf(sealed), '0a1b2c3d4e5f');
  assert.equal(keyIdOf(seal(KEY, PLAINTEXT, 'ctx')), null, 'none given, none read');
  assert.deepEqual(open(KEY, sealed, 'ctx'), PLAINTEXT);
});

test('the released reader opens values sealed with a key id: a rolling upgrade reads both ways', () => {
  const withId = seal(KEY, PLAINTEXT, 'ctx', 'feedfacecafe');
  assert.deepEqual(releasedDecrypt(KEY, withId, 'ctx'), PLAINTEXT);
  const empty = seal(KEY, Buffer.alloc(0), 'ctx', 'feedfacecafe');
  assert.deepEqual(releasedDecrypt(KEY, empty, 'ctx'), Buffer.alloc(0), 'even an empty body');
  assert.deepEqual(open(KEY, empty, 'ctx'), Buffer.alloc(0));
});

test('a changed IV, tag, body or context, or another key, is refused as a key failure', () => {
  const sealed = seal(KEY, PLAINTEXT, 'ctx', 'abc');
  const parts = sealed.split('.');
  const flip = (index: number) => {
    const bytes = Buffer.from(parts[index]!, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    return parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
  };
  const keyFailure = (e: unknown) => e instanceof SealError && e.reason === 'key';
  for (const index of [1, 2, 3]) assert.throws(() => open(KEY, flip(index), 'ctx'), keyFailure);
  assert.throws(() => open(KEY, sealed, 'other-ctx'), keyFailure, 'bound to its context');
  assert.throws(() => open(Buffer.alloc(32, 4), sealed, 'ctx'), keyFailure);
});

test('an unknown version, a missing part, an empty key id or an extra part is a format failure', () => {
  const sealed = seal(KEY, PLAINTEXT, 'ctx');
  const formatFailure = (e: unknown) => e instanceof SealError && e.reason === 'format';
  for (const bad of [sealed.replace(/^v1/, 'v2'), 'v1.abc', `${sealed}.`, `${sealed}.id.extra`])
    assert.throws(() => open(KEY, bad, 'ctx'), formatFailure, bad);
});

test('deriveKey gives 32 bytes, a different key per purpose and per secret', () => {
  const a = deriveKey(KEY, 'cookie-signing');
  assert.equal(a.length, 32);
  assert.deepEqual(deriveKey(KEY, 'cookie-signing'), a, 'deterministic');
  assert.notDeepEqual(deriveKey(KEY, 'client-secret'), a);
  assert.notDeepEqual(deriveKey(Buffer.alloc(32, 4), 'cookie-signing'), a);
});
