// Upstream providers' client secrets (oidc authenticators) sealed in committed revisions survive a master-key
// rotation untouched: they are sealed under the secret-sealing data key, which rotation re-encrypts, not changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unlockKeys } from '../../../src/keys/data-keys.ts';
import { masterKeyOf } from '../../../src/keys/master-key.ts';
import { reencryptUnderCurrent } from '../../../src/keys/reencrypt.ts';
import { authnSecretBox } from '../../../src/keys/sealed-authn.ts';
import { sealSecret, unsealSecret } from '../../../src/keys/sealed-secret.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

const OLD = Buffer.alloc(32, 1);
const NEW = Buffer.alloc(32, 2);
const NOW = 1_700_000_000;
const SECRET = 'the-secret-an-upstream-provider-issued';

test('a provider secret sealed before a master-key rotation opens with the new key alone after it', async () => {
  const keys = createMemoryStore().keys;
  const before = await unlockKeys(keys, masterKeyOf(OLD), NOW);
  const sealed = authnSecretBox(before['secret-sealing']).seal(SECRET);
  const overlap = masterKeyOf(NEW, OLD);
  const result = await reencryptUnderCurrent(keys, overlap);
  assert.deepEqual(result.failed, []);
  assert.ok(result.reencrypted.includes('data key secret-sealing'), result.reencrypted.join(', '));
  const after = await unlockKeys(keys, masterKeyOf(NEW), NOW);
  assert.equal(authnSecretBox(after['secret-sealing']).open(sealed), SECRET);
});

test('a provider secret and a client_secret_jwt secret are sealed in distinct contexts: neither opens as the other', async () => {
  const dataKeys = await unlockKeys(createMemoryStore().keys, masterKeyOf(OLD), NOW);
  const key = dataKeys['secret-sealing'];
  const upstream = authnSecretBox(key).seal(SECRET);
  assert.throws(() => unsealSecret(key, upstream));
  assert.throws(() => authnSecretBox(key).open(sealSecret(key, SECRET)));
});
