// The master key: from TESSERA_MASTER_KEY when set, else a key file made once (mode 0600) and read back after;
// TESSERA_MASTER_KEY_PREVIOUS during a rotation; fingerprints that name a key without revealing it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { deriveKey } from '../../../src/keys/encryption.ts';
import { describeMasterKey, fingerprintOf, resolveMasterKey } from '../../../src/keys/master-key.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mk-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('the environment wins: its base64url value is the key, and no file is written', () => {
  const dir = tempDir();
  const value = Buffer.alloc(32, 9).toString('base64url');
  const key = resolveMasterKey({ TESSERA_MASTER_KEY: `${value}\n` }, dir);
  assert.deepEqual(key, {
    key: Buffer.alloc(32, 9),
    fingerprint: fingerprintOf(Buffer.alloc(32, 9)),
    source: 'environment',
    location: 'TESSERA_MASTER_KEY',
    created: false,
    previous: null,
  });
  assert.throws(() => statSync(join(dir, 'master.key')));
});

test('a key under 32 bytes is refused, from the environment or the file', () => {
  const dir = tempDir();
  assert.throws(
    () => resolveMasterKey({ TESSERA_MASTER_KEY: Buffer.alloc(31).toString('base64url') }, dir),
    /TESSERA_MASTER_KEY must be at least 32 random bytes/,
  );
  writeFileSync(join(dir, 'master.key'), Buffer.alloc(16).toString('base64url'));
  assert.throws(() => resolveMasterKey({}, dir), /master\.key must be at least 32 random bytes/);
});

test('without the environment a random key file is created once, owner-only, and reused', () => {
  const dir = join(tempDir(), 'nested', 'data');
  const first = resolveMasterKey({}, dir);
  assert.equal(first.source, 'file');
  assert.equal(first.location, join(dir, 'master.key'));
  assert.equal(first.key.length, 32);
  assert.equal(first.created, true, 'this start made it');
  assert.equal(resolveMasterKey({}, dir).created, false, 'the next one found it');
  assert.equal(statSync(first.location).mode & 0o777, 0o600);
  assert.equal(readFileSync(first.location, 'utf8').trim(), first.key.toString('base64url'));
  assert.deepEqual(resolveMasterKey({}, dir).key, first.key, 'the same key on the next start');
  assert.notDeepEqual(resolveMasterKey({}, tempDir()).key, first.key, 'another data directory, another key');
});

test('TESSERA_MASTER_KEY_PREVIOUS is kept beside the current key, checked the same way, and dropped when it is the same key', () => {
  const dir = tempDir();
  const now = Buffer.alloc(32, 1);
  const before = Buffer.alloc(32, 2);
  const env = (previous: string) => ({
    TESSERA_MASTER_KEY: now.toString('base64url'),
    TESSERA_MASTER_KEY_PREVIOUS: previous,
  });
  const key = resolveMasterKey(env(before.toString('base64url')), dir);
  assert.deepEqual(key.key, now, 'the current key encrypts');
  assert.deepEqual(key.previous, { key: before, fingerprint: fingerprintOf(before) });
  assert.match(
    describeMasterKey(key),
    /^TESSERA_MASTER_KEY \(fingerprint [0-9a-f]{12}\) and TESSERA_MASTER_KEY_PREVIOUS \(fingerprint [0-9a-f]{12}\)$/,
  );
  assert.throws(
    () => resolveMasterKey(env('short'), dir),
    /TESSERA_MASTER_KEY_PREVIOUS must be at least 32 random bytes/,
  );
  assert.equal(resolveMasterKey(env(now.toString('base64url')), dir).previous, null);
});

test('a fingerprint is 12 hex digits, stable, different per key, and no part of the key or of a key derived for use', () => {
  const key = Buffer.alloc(32, 5);
  const fingerprint = fingerprintOf(key);
  assert.match(fingerprint, /^[0-9a-f]{12}$/);
  assert.equal(fingerprintOf(Buffer.alloc(32, 5)), fingerprint);
  assert.notEqual(fingerprintOf(Buffer.alloc(32, 6)), fingerprint);
  for (const used of [key, deriveKey(key, 'key-encryption'), deriveKey(key, 'client-secret')])
    assert.ok(!used.toString('hex').includes(fingerprint));
});
