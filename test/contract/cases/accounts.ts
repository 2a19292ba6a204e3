// AccountStore contract: unique case-insensitive usernames, exact ids, listing, claims, and disabling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuplicateError } from '../../../src/store/ports/errors.ts';
import { account, session, T0, type UseStore } from './fixtures.ts';

export function accountCases(use: UseStore): void {
  test('create returns the account, enabled, with every field as given', async () => {
    const created = await use().accounts.create(account());
    assert.deepEqual(created, { ...account(), disabled: false });
  });

  test('findById returns the stored account with its claims intact', async () => {
    await use().accounts.create(account());
    assert.deepEqual(await use().accounts.findById('acct-johndoe'), { ...account(), disabled: false });
  });

  test('findById matches the id exactly, not case-insensitively', async () => {
    await use().accounts.create(account());
    assert.equal(await use().accounts.findById('ACCT-JOHNDOE'), undefined);
  });

  test('findById and findByUsername return undefined for an unknown account', async () => {
    await use().accounts.create(account());
    assert.equal(await use().accounts.findById('acct-nobody'), undefined);
    assert.equal(await use().accounts.findByUsername('nobody'), undefined);
  });

  test('findByUsername matches the username case-insensitively', async () => {
    await use().accounts.create(account({ username: 'JohnDoe' }));
    for (const spelling of ['JohnDoe', 'johndoe', 'JOHNDOE']) {
      const found = await use().accounts.findByUsername(spelling);
      assert.equal(found?.id, 'acct-johndoe', `lookup by "${spelling}"`);
      assert.equal(found?.username, 'JohnDoe', 'the username keeps the spelling it was created with');
    }
  });

  test('create refuses a username that differs only in case with DuplicateError', async () => {
    await use().accounts.create(account({ username: 'johndoe' }));
    await assert.rejects(
      use().accounts.create(account({ id: 'acct-other', username: 'JohnDoe', passwordHash: 'other' })),
      DuplicateError,
    );
    assert.equal((await use().accounts.findByUsername('johndoe'))?.passwordHash, account().passwordHash);
    assert.equal(
      await use().accounts.findById('acct-other'),
      undefined,
      'nothing of the refused account is kept',
    );
  });

  test('create refuses the exact same username with DuplicateError', async () => {
    await use().accounts.create(account());
    await assert.rejects(use().accounts.create(account({ id: 'acct-other' })), DuplicateError);
  });

  test('an account read back is a copy: changing it does not change the stored account', async () => {
    const created = await use().accounts.create(account());
    created.claims['email'] = 'changed@example.com';
    const found = await use().accounts.findById('acct-johndoe');
    assert.ok(found);
    found.claims['email'] = 'changed@example.com';
    assert.equal((await use().accounts.findById('acct-johndoe'))?.claims['email'], 'john@example.com');
  });

  test('list returns at most limit accounts, oldest first, whatever the creation order', async () => {
    await use().accounts.create(account({ id: 'acct-c', username: 'carol', createdAt: T0 + 2 }));
    await use().accounts.create(account({ id: 'acct-a', username: 'alice', createdAt: T0 }));
    await use().accounts.create(account({ id: 'acct-b', username: 'bob', createdAt: T0 + 1 }));
    assert.deepEqual(
      (await use().accounts.list(10)).map((a) => a.id),
      ['acct-a', 'acct-b', 'acct-c'],
    );
    assert.deepEqual(
      (await use().accounts.list(2)).map((a) => a.id),
      ['acct-a', 'acct-b'],
    );
  });

  test('list returns whole accounts, and none for limit 0', async () => {
    await use().accounts.create(account());
    assert.deepEqual(await use().accounts.list(5), [{ ...account(), disabled: false }]);
    assert.deepEqual(await use().accounts.list(0), []);
  });

  test('updateClaims replaces the claims as a whole and touches nothing else', async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
    await use().accounts.updateClaims('acct-johndoe', { name: 'John', email_verified: true });
    const found = await use().accounts.findById('acct-johndoe');
    assert.deepEqual(found, {
      ...account(),
      claims: { name: 'John', email_verified: true },
      disabled: false,
    });
    assert.deepEqual((await use().accounts.findById('acct-other'))?.claims, account().claims);
  });

  test('updateClaims keeps a copy: changing the object afterwards does not change the account', async () => {
    await use().accounts.create(account());
    const claims: Record<string, unknown> = { name: 'John' };
    await use().accounts.updateClaims('acct-johndoe', claims);
    claims['name'] = 'Mallory';
    assert.equal((await use().accounts.findById('acct-johndoe'))?.claims['name'], 'John');
  });

  test('updateClaims of an unknown account succeeds and creates nothing', async () => {
    await use().accounts.updateClaims('acct-nobody', { name: 'x' });
    assert.equal(await use().accounts.findById('acct-nobody'), undefined);
  });

  test('setDisabled(true) disables the account, as found by id and by username', async () => {
    await use().accounts.create(account());
    await use().accounts.setDisabled('acct-johndoe', true);
    assert.equal((await use().accounts.findById('acct-johndoe'))?.disabled, true);
    assert.equal((await use().accounts.findByUsername('JOHNDOE'))?.disabled, true);
  });

  test('setDisabled(true) ends every SSO session of the account and none of another', async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
    await use().sessions.create(session({ idHash: 'mine-1' }));
    await use().sessions.create(session({ idHash: 'mine-2' }));
    await use().sessions.create(session({ idHash: 'theirs', accountId: 'acct-other' }));
    await use().accounts.setDisabled('acct-johndoe', true);
    assert.equal(await use().sessions.find('mine-1', T0), undefined);
    assert.equal(await use().sessions.find('mine-2', T0), undefined);
    assert.ok(await use().sessions.find('theirs', T0));
  });

  test('setDisabled(false) enables a disabled account again', async () => {
    await use().accounts.create(account());
    await use().accounts.setDisabled('acct-johndoe', true);
    await use().accounts.setDisabled('acct-johndoe', false);
    assert.equal((await use().accounts.findById('acct-johndoe'))?.disabled, false);
  });

  test('setDisabled of an unknown account succeeds and creates nothing', async () => {
    await use().accounts.setDisabled('acct-nobody', true);
    assert.equal(await use().accounts.findById('acct-nobody'), undefined);
  });

  test('setPasswordHash replaces the hash of that account only and reports it', async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
    assert.equal(await use().accounts.setPasswordHash('acct-johndoe', '$argon2id$new'), true);
    assert.equal((await use().accounts.findById('acct-johndoe'))?.passwordHash, '$argon2id$new');
    assert.equal((await use().accounts.findById('acct-other'))?.passwordHash, account().passwordHash);
  });

  test('setPasswordHash of an unknown account returns false and creates nothing', async () => {
    assert.equal(await use().accounts.setPasswordHash('acct-nobody', '$argon2id$new'), false);
    assert.equal(await use().accounts.findById('acct-nobody'), undefined);
  });
}
