// An account made through another provider has no password: none verifies against it, the empty one included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCredentials } from '../../../src/authn/accounts.ts';
import { hashPassword, hasPassword, NO_PASSWORD, verifyPassword } from '../../../src/authn/passwords.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

test('no password, empty or not, signs in to an account whose hash is NO_PASSWORD', async () => {
  const store = createMemoryStore();
  await store.accounts.create({
    id: 'jdoe',
    username: 'jdoe',
    passwordHash: NO_PASSWORD,
    claims: {},
    createdAt: 1,
  });
  for (const password of ['', 'jdoe', ' ', '$argon2id$']) {
    assert.equal(
      await checkCredentials('jdoe', password, store.accounts),
      undefined,
      JSON.stringify(password),
    );
  }
});

test('hasPassword tells an argon2 hash from NO_PASSWORD; verifyPassword refuses anything else as stored', async () => {
  const real = await hashPassword('correct horse');
  assert.equal(hasPassword(real), true);
  assert.equal(hasPassword(NO_PASSWORD), false);
  assert.equal(await verifyPassword(real, 'correct horse'), true);
  assert.equal(await verifyPassword('plain text', 'plain text'), false);
  assert.equal(await verifyPassword(undefined, 'tessera-dummy-password'), false);
});
