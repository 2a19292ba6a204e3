// AccountStore contract: unique case-insensitive usernames, exact ids, listing, the admin's search, claims, and disabling.
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

  /** Accounts for the search cases: usernames out of order, emails of several shapes. */
  async function searchable() {
    const people: [string, string, unknown][] = [
      ['carol', 'Carol', 'carol@Example.org'],
      ['Alice', 'Alice', 'alice@example.com'],
      ['bob', 'bob', 'BOB@work.example'],
      ['dave', 'dave', 42],
      ['erin', 'erin', undefined],
      ['frank_50%', 'frank_50%', 'f@example.net'],
    ];
    for (const [i, [id, username, email]] of people.entries()) {
      const claims: Record<string, unknown> = email === undefined ? {} : { email };
      await use().accounts.create(account({ id: `acct-${id}`, username, claims, createdAt: T0 + 10 - i }));
    }
  }
  const usernames = (accounts: { username: string }[]) => accounts.map((a) => a.username);

  test('search with no text lists every account by username, A-Z without regard to case, at most limit', async () => {
    await searchable();
    assert.deepEqual(usernames(await use().accounts.search({ text: '', limit: 10 })), [
      'Alice',
      'bob',
      'Carol',
      'dave',
      'erin',
      'frank_50%',
    ]);
    assert.deepEqual(usernames(await use().accounts.search({ text: '', limit: 2 })), ['Alice', 'bob']);
    assert.deepEqual(await use().accounts.search({ text: '', limit: 0 }), []);
  });

  test('search matches part of the username or of a text email claim, A-Z without regard to case', async () => {
    await searchable();
    const found = async (text: string) => usernames(await use().accounts.search({ text, limit: 10 }));
    assert.deepEqual(await found('AR'), ['Carol'], 'username, any case');
    assert.deepEqual(await found('example.'), ['Alice', 'Carol', 'frank_50%'], 'part of an email');
    assert.deepEqual(await found('bob@WORK'), ['bob'], 'the email folded too');
    assert.deepEqual(await found('42'), [], 'an email claim that is no text is not matched');
    assert.deepEqual(await found('nobody'), []);
  });

  test('search takes % and _ as themselves, not as patterns', async () => {
    await searchable();
    assert.deepEqual(usernames(await use().accounts.search({ text: '_50%', limit: 10 })), ['frank_50%']);
    assert.deepEqual(await use().accounts.search({ text: '%', limit: 10 }).then(usernames), ['frank_50%']);
    assert.deepEqual(await use().accounts.search({ text: 'a_i', limit: 10 }), []);
  });

  test('search pages by the username after: the pages join into the whole list, none twice', async () => {
    await searchable();
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const found = await use().accounts.search({ text: '', after, limit: 4 });
      if (found.length === 0) break;
      seen.push(...usernames(found));
      after = found.at(-1)!.username;
    }
    assert.deepEqual(seen, ['Alice', 'bob', 'Carol', 'dave', 'erin', 'frank_50%']);
    // After is folded like the order: BOB and bob name the same place.
    assert.deepEqual(usernames(await use().accounts.search({ text: '', after: 'BOB', limit: 1 })), ['Carol']);
    assert.deepEqual(usernames(await use().accounts.search({ text: 'e', after: 'carol', limit: 10 })), [
      'dave',
      'erin',
      'frank_50%',
    ]);
  });

  test('search folds only A-Z: other letters match and order by code point', async () => {
    await use().accounts.create(account({ id: 'acct-e1', username: 'Émile', claims: {} }));
    await use().accounts.create(account({ id: 'acct-e2', username: 'zoe', claims: {} }));
    await use().accounts.create(account({ id: 'acct-e3', username: 'élodie', claims: {} }));
    await use().accounts.create(account({ id: 'acct-e4', username: '𝒜nna', claims: {} }));
    // U+FB00 sorts before U+1D49C by code point, after it by UTF-16 unit (0xFB00 > 0xD835).
    await use().accounts.create(account({ id: 'acct-e5', username: '\ufb00ion', claims: {} }));
    assert.deepEqual(usernames(await use().accounts.search({ text: 'é', limit: 10 })), ['élodie']);
    assert.deepEqual(usernames(await use().accounts.search({ text: 'MILE', limit: 10 })), ['Émile']);
    assert.deepEqual(usernames(await use().accounts.search({ text: '', limit: 10 })), [
      'zoe',
      'Émile',
      'élodie',
      '\ufb00ion',
      '𝒜nna',
    ]);
  });

  test('search returns whole accounts', async () => {
    await use().accounts.create(account());
    assert.deepEqual(await use().accounts.search({ text: 'JOHN', limit: 5 }), [
      { ...account(), disabled: false },
    ]);
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
