// Master-key rotation in the keys layer: data keys keep the values the old derivation gave, the overlap opens
// both keys, re-encryption is per row and idempotent, and a node without the right key refuses, naming what.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATA_KEYS, describeSigningKey, LockedKeysError, unlockKeys } from '../../../src/keys/data-keys.ts';
import { deriveKey, keyIdOf, seal } from '../../../src/keys/encryption.ts';
import { generateSigningKey } from '../../../src/keys/generate.ts';
import {
  decryptUnderMaster,
  encryptUnderMaster,
  MasterKeyMissingError,
} from '../../../src/keys/key-encryption.ts';
import { loadKeyRing } from '../../../src/keys/keyring.ts';
import { masterKeyOf } from '../../../src/keys/master-key.ts';
import { masterKeyStatus, reencryptUnderCurrent } from '../../../src/keys/reencrypt.ts';
import { unsealSecret } from '../../../src/keys/sealed-secret.ts';
import { createSecretHasher } from '../../../src/keys/secrets.ts';
import { hmacSha256 } from '../../../src/shared/crypto.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';
import type { KeyStore } from '../../../src/store/ports/index.ts';

const OLD = Buffer.alloc(32, 1);
const NEW = Buffer.alloc(32, 2);
const NOW = 1_700_000_000;
const ISSUER = 'https://issuer.example/oauth/v2/oauth-anonymous';
const SECRET = 'a-committed-client-secret-of-43-characters-x';
const PURPOSES = Object.keys(DATA_KEYS);

/** What the release before data keys stored and committed: signing keys without fingerprints, hashes under derived keys. */
async function releasedDatabase(): Promise<KeyStore> {
  const keys = createMemoryStore().keys;
  for (const alg of ['RS256', 'ES256'] as const) {
    const key = await generateSigningKey(masterKeyOf(OLD), {
      alg,
      now: NOW,
      activatesAt: NOW,
      issuer: ISSUER,
    });
    await keys.insert({ ...key, privateKey: key.privateKey.split('.').slice(0, 4).join('.') });
  }
  return keys;
}
const releasedHash = (secret: string) => `hmac-sha256:${hmacSha256(deriveKey(OLD, 'client-secret'), secret)}`;
const releasedSeal = (secret: string) =>
  seal(deriveKey(OLD, 'key-encryption'), Buffer.from(secret), 'client-secret-jwt');

test('overlap: the current key encrypts, naming itself; either key decrypts what names it; a value without a name is tried with both', () => {
  const overlap = masterKeyOf(NEW, OLD);
  const sealed = encryptUnderMaster(overlap, Buffer.from('x'), 'ctx');
  assert.equal(keyIdOf(sealed), overlap.fingerprint);
  assert.equal(decryptUnderMaster(masterKeyOf(NEW), sealed, 'ctx').under, 'current');
  const old = encryptUnderMaster(masterKeyOf(OLD), Buffer.from('y'), 'ctx');
  assert.deepEqual(decryptUnderMaster(overlap, old, 'ctx'), {
    plaintext: Buffer.from('y'),
    key: OLD,
    under: 'previous',
  });
  const unnamed = old.split('.').slice(0, 4).join('.');
  assert.equal(decryptUnderMaster(overlap, unnamed, 'ctx').under, 'previous');
  assert.throws(
    () => decryptUnderMaster(masterKeyOf(OLD), sealed, 'ctx'),
    (e) => e instanceof MasterKeyMissingError && e.keyId === overlap.fingerprint,
  );
  assert.throws(
    () => decryptUnderMaster(masterKeyOf(NEW), unnamed, 'ctx'),
    (e) => e instanceof MasterKeyMissingError && e.keyId === null,
  );
});

test('data keys on a database from before them get exactly the values the old derivation gave, so committed secrets still verify', async () => {
  const keys = await releasedDatabase();
  // Upgraded and rotated in one restart: the data keys still come from the key the signing keys are under.
  const dataKeys = await unlockKeys(keys, masterKeyOf(NEW, OLD), NOW);
  for (const [purpose, label] of Object.entries(DATA_KEYS))
    assert.deepEqual(dataKeys[purpose as keyof typeof DATA_KEYS], deriveKey(OLD, label), purpose);
  assert.ok(createSecretHasher(dataKeys['client-secret']).verify(SECRET, releasedHash(SECRET)));
  assert.equal(unsealSecret(dataKeys['secret-sealing'], releasedSeal(SECRET)), SECRET);
  assert.deepEqual(
    (await keys.dataKeys()).map((k) => [k.purpose, keyIdOf(k.sealed)]),
    PURPOSES.sort().map((p) => [p, masterKeyOf(NEW).fingerprint]),
    'stored under the current key',
  );
});

test('rotation: re-encrypts each stored key once, leaves the data keys their values, and running it again does nothing', async () => {
  const keys = await releasedDatabase();
  const overlap = masterKeyOf(NEW, OLD);
  const before = await unlockKeys(keys, masterKeyOf(OLD), NOW);
  const status = await masterKeyStatus(keys, overlap);
  assert.deepEqual(
    status.items.map((i) => i.under),
    Array(2 + PURPOSES.length).fill('previous'),
  );
  const first = await reencryptUnderCurrent(keys, overlap);
  assert.equal(first.reencrypted.length, 2 + PURPOSES.length);
  assert.deepEqual(first.failed, []);
  const again = await reencryptUnderCurrent(keys, overlap);
  assert.deepEqual(again, { reencrypted: [], unchanged: 2 + PURPOSES.length, failed: [] });
  // The overlap is over: the new key alone opens everything, and the values are the ones from before.
  assert.deepEqual(await unlockKeys(keys, masterKeyOf(NEW), NOW), before);
  assert.ok(
    createSecretHasher((await unlockKeys(keys, masterKeyOf(NEW), NOW))['client-secret']).verify(
      SECRET,
      releasedHash(SECRET),
    ),
  );
  assert.ok((await masterKeyStatus(keys, masterKeyOf(NEW))).items.every((i) => i.under === 'current'));
});

test('two rotations at once: every row is re-encrypted exactly once between them, none is lost or failed', async () => {
  const keys = await releasedDatabase();
  const overlap = masterKeyOf(NEW, OLD);
  await unlockKeys(keys, masterKeyOf(OLD), NOW);
  const results = await Promise.all([
    reencryptUnderCurrent(keys, overlap),
    reencryptUnderCurrent(keys, overlap),
  ]);
  assert.equal(results.flatMap((r) => r.reencrypted).length, 2 + PURPOSES.length);
  assert.deepEqual(
    results.flatMap((r) => r.failed),
    [],
  );
  assert.ok((await masterKeyStatus(keys, masterKeyOf(NEW))).items.every((i) => i.under === 'current'));
});

test('a running key ring keeps signing while its keys are re-encrypted under it, and reloads without a failure', async () => {
  const keys = await releasedDatabase();
  const overlap = masterKeyOf(NEW, OLD);
  const ring = await loadKeyRing(keys, overlap, NOW, ISSUER);
  await reencryptUnderCurrent(keys, overlap);
  await ring.reload(NOW + 1);
  assert.ok(ring.active('RS256', NOW + 1).privateKey);
  await loadKeyRing(keys, masterKeyOf(NEW), NOW + 2, ISSUER);
});

test('a wrong key at start is refused, naming every signing key and data key it cannot decrypt and the key they need', async () => {
  const keys = await releasedDatabase();
  await unlockKeys(keys, masterKeyOf(NEW, OLD), NOW);
  await reencryptUnderCurrent(keys, masterKeyOf(NEW, OLD));
  const [first, second] = await keys.list();
  const wrong = masterKeyOf(OLD);
  const error = await unlockKeys(keys, wrong, NOW).then(
    () => assert.fail('a node with only the old key started'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof LockedKeysError);
  assert.equal(error.locked.length, 2 + PURPOSES.length);
  assert.equal(
    error.message,
    `${describeSigningKey(first!)}, ${describeSigningKey(second!)} and 5 data keys (admin-setup, client-secret, cookie-signing, dpop-nonce, secret-sealing) are encrypted under a master key this node does not have (fingerprint ${masterKeyOf(NEW).fingerprint}). This node has TESSERA_MASTER_KEY (fingerprint ${wrong.fingerprint}). Start it with the master key they were encrypted under (during a rotation, as TESSERA_MASTER_KEY_PREVIOUS: docs/deployment.md, Key rotation).`,
  );
  assert.match(describeSigningKey(first!), /^signing key (RS256|ES256) kid=[\w-]{43}$/);
  assert.ok(
    !error.message.includes(NEW.toString('base64url')) && !error.message.includes(OLD.toString('base64url')),
  );
});

test('a value changed in the database is refused as changed, not as a missing key', async () => {
  const keys = await releasedDatabase();
  await unlockKeys(keys, masterKeyOf(OLD), NOW);
  const [row] = await keys.dataKeys();
  const parts = row!.sealed.split('.');
  parts[3] = Buffer.from('tampered').toString('base64url');
  await keys.resealDataKey(row!.purpose, row!.sealed, parts.join('.'));
  await assert.rejects(
    unlockKeys(keys, masterKeyOf(OLD), NOW),
    /1 data key \(admin-setup\) does not decrypt under the master key it names \(fingerprint [0-9a-f]{12}\): the stored value was changed\. .* restore the database from a backup\.$/,
  );
});

test('nodes starting together on an empty database agree on one value per data key', async () => {
  const keys = createMemoryStore().keys;
  const all = await Promise.all([1, 2, 3].map(() => unlockKeys(keys, masterKeyOf(NEW), NOW)));
  for (const each of all) assert.deepEqual(each, all[0]);
  assert.equal((await keys.dataKeys()).length, PURPOSES.length);
});
