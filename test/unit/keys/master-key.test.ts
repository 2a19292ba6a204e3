// The master key: from TESSERA_MASTER_KEY when set, else a key file made once (mode 0600) and read back after.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { resolveMasterKey } from '../../../src/keys/master-key.ts';

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
  assert.deepEqual(key, { key: Buffer.alloc(32, 9), source: 'environment', location: 'TESSERA_MASTER_KEY' });
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
  assert.equal(statSync(first.location).mode & 0o777, 0o600);
  assert.equal(readFileSync(first.location, 'utf8').trim(), first.key.toString('base64url'));
  assert.deepEqual(resolveMasterKey({}, dir).key, first.key, 'the same key on the next start');
  assert.notDeepEqual(resolveMasterKey({}, tempDir()).key, first.key, 'another data directory, another key');
});
