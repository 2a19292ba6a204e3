// Accounts: the registration rules, and a credential check that never says which part was wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkCredentials,
  MAX_PASSWORD,
  registerAccount,
  validateRegistration,
} from '../../../src/authn/accounts.ts';
import { authnHarness, NOW } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

test('registration rules: username shape, password length, email shape, name length', () => {
  const ok = { username: 'alice', password: PASSWORD };
  assert.deepEqual(validateRegistration(ok), {});
  assert.deepEqual(validateRegistration({ ...ok, email: '', name: '' }), {}, 'empty optionals are fine');
  for (const username of ['', '.alice', 'al ice', 'a'.repeat(65), 'ali/ce'])
    assert.ok(
      validateRegistration({ ...ok, username }).username,
      `refuses username ${JSON.stringify(username)}`,
    );
  assert.equal(
    validateRegistration({ ...ok, username: 'a'.repeat(64) }).username,
    undefined,
    '64 is allowed',
  );
  assert.match(validateRegistration({ ...ok, password: 'short12' }).password ?? '', /at least 8/);
  assert.match(
    validateRegistration({ ...ok, password: 'x'.repeat(MAX_PASSWORD + 1) }).password ?? '',
    /at most/,
  );
  assert.ok(validateRegistration({ ...ok, email: 'not-an-email' }).email);
  assert.ok(validateRegistration({ ...ok, name: 'n'.repeat(201) }).name);
});

test('registerAccount creates the account with the username as subject and unverified email claims', async () => {
  const h = authnHarness();
  const result = await registerAccount(
    { username: 'alice', password: PASSWORD, email: 'alice@example.com', name: 'Alice' },
    h.store.accounts,
    h.clock,
  );
  assert.ok(result.ok);
  assert.equal(result.account.id, 'alice');
  assert.equal(result.account.createdAt, NOW);
  assert.deepEqual(result.account.claims, {
    preferred_username: 'alice',
    email: 'alice@example.com',
    email_verified: false,
    name: 'Alice',
  });
  assert.match(result.account.passwordHash, /^\$argon2id\$/, 'the password is kept only as argon2id');
});

test('registerAccount refuses invalid input without writing, and a taken username (any case)', async () => {
  const h = authnHarness();
  const bad = await registerAccount({ username: 'bob', password: 'short' }, h.store.accounts, h.clock);
  assert.equal(bad.ok, false);
  assert.equal(await h.store.accounts.findByUsername('bob'), undefined);
  assert.ok((await registerAccount({ username: 'bob', password: PASSWORD }, h.store.accounts, h.clock)).ok);
  const taken = await registerAccount({ username: 'BOB', password: PASSWORD }, h.store.accounts, h.clock);
  assert.deepEqual(taken, { ok: false, errors: { username: 'That username is taken.' } });
});

test('checkCredentials: the right password gives the account; unknown user, wrong password, disabled give nothing', async () => {
  const h = authnHarness();
  await registerAccount({ username: 'carol', password: PASSWORD }, h.store.accounts, h.clock);
  assert.equal((await checkCredentials('carol', PASSWORD, h.store.accounts))?.id, 'carol');
  assert.equal(await checkCredentials('nobody', PASSWORD, h.store.accounts), undefined, 'unknown user');
  assert.equal(
    await checkCredentials('carol', `${PASSWORD}!`, h.store.accounts),
    undefined,
    'wrong password',
  );
  assert.equal(await checkCredentials('carol', '', h.store.accounts), undefined, 'empty password');
  assert.equal(
    await checkCredentials('carol', 'x'.repeat(MAX_PASSWORD + 1), h.store.accounts),
    undefined,
    'an over-long password is not hashed',
  );
  await h.store.accounts.setDisabled('carol', true);
  assert.equal(await checkCredentials('carol', PASSWORD, h.store.accounts), undefined, 'disabled account');
});
