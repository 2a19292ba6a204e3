// Contract for migration 016: email links (found only while unused, unexpired and of their purpose; used at
// most once, also under concurrency; a new link ends the account's older ones; purged when used or expired)
// and AccountStore.findByEmail (the whole address, A-Z without regard to case, oldest first).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmailToken } from '../../../src/store/ports/index.ts';
import { account, T0, type UseStore } from './fixtures.ts';

const CALLERS = 20;

const link = (overrides: Partial<EmailToken> = {}): EmailToken => ({
  hash: 'link-hash-1',
  purpose: 'reset_password',
  accountId: 'acct-johndoe',
  email: 'john@example.com',
  createdAt: T0,
  expiresAt: T0 + 900,
  ...overrides,
});

export function emailTokenCases(use: UseStore): void {
  const links = () => use().emailTokens;
  const withAccounts = async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other', claims: {} }));
  };

  test('find returns a live link with every field as stored, without using it', async () => {
    await withAccounts();
    await links().create(link());
    assert.deepEqual(await links().find('link-hash-1', 'reset_password', T0 + 1), link());
    assert.deepEqual(await links().find('link-hash-1', 'reset_password', T0 + 1), link(), 'still live');
    assert.equal(await links().find('no-such-hash', 'reset_password', T0 + 1), undefined);
  });

  test('a link of one purpose is neither found nor used as the other', async () => {
    await withAccounts();
    await links().create(link());
    assert.equal(await links().find('link-hash-1', 'verify_email', T0 + 1), undefined);
    assert.equal(await links().consume('link-hash-1', 'verify_email', T0 + 1), undefined);
    assert.deepEqual(await links().consume('link-hash-1', 'reset_password', T0 + 1), link());
  });

  test('consume uses a link once: the second use, and find after it, get undefined', async () => {
    await withAccounts();
    await links().create(link());
    assert.deepEqual(await links().consume('link-hash-1', 'reset_password', T0 + 1), link());
    assert.equal(await links().consume('link-hash-1', 'reset_password', T0 + 2), undefined);
    assert.equal(await links().find('link-hash-1', 'reset_password', T0 + 2), undefined);
  });

  test('a link is live until the second before expiresAt, never at or after it', async () => {
    await withAccounts();
    await links().create(link());
    assert.ok(await links().find('link-hash-1', 'reset_password', T0 + 899));
    assert.equal(await links().find('link-hash-1', 'reset_password', T0 + 900), undefined);
    assert.equal(await links().consume('link-hash-1', 'reset_password', T0 + 900), undefined);
    assert.deepEqual(await links().consume('link-hash-1', 'reset_password', T0 + 899), link());
  });

  test(`${CALLERS} concurrent uses of one link: exactly one gets it`, async () => {
    await withAccounts();
    await links().create(link());
    const results = await Promise.all(
      Array.from({ length: CALLERS }, () => links().consume('link-hash-1', 'reset_password', T0 + 1)),
    );
    const used = results.filter((r) => r !== undefined);
    assert.equal(used.length, 1, `used ${used.length} times`);
    assert.deepEqual(used[0], link());
  });

  test('revokeForAccount ends that account unused links of that purpose only, and counts them', async () => {
    await withAccounts();
    await links().create(link({ hash: 'a' }));
    await links().create(link({ hash: 'b' }));
    await links().create(link({ hash: 'used' }));
    await links().consume('used', 'reset_password', T0 + 1);
    await links().create(link({ hash: 'verify', purpose: 'verify_email' }));
    await links().create(link({ hash: 'theirs', accountId: 'acct-other' }));
    assert.equal(await links().revokeForAccount('acct-johndoe', 'reset_password'), 2);
    assert.equal(await links().find('a', 'reset_password', T0 + 1), undefined);
    assert.equal(await links().consume('b', 'reset_password', T0 + 1), undefined);
    assert.ok(await links().find('verify', 'verify_email', T0 + 1), 'the other purpose stays');
    assert.ok(await links().find('theirs', 'reset_password', T0 + 1), 'the other account keeps its link');
    assert.equal(await links().revokeForAccount('acct-johndoe', 'reset_password'), 0);
  });

  test('purge deletes used and expired links, keeps live ones, and counts what it deleted', async () => {
    await withAccounts();
    await links().create(link({ hash: 'live', expiresAt: T0 + 900 }));
    await links().create(link({ hash: 'expired', expiresAt: T0 + 100 }));
    await links().create(link({ hash: 'used' }));
    await links().consume('used', 'reset_password', T0 + 1);
    assert.equal(await links().purge(T0 + 100), 2);
    assert.equal(await links().purge(T0 + 100), 0);
    assert.ok(await links().find('live', 'reset_password', T0 + 100));
  });

  test('the cleanup loop purgeExpired deletes expired links and counts them', async () => {
    await withAccounts();
    await links().create(link({ hash: 'expired', expiresAt: T0 + 100 }));
    await links().create(link({ hash: 'live', expiresAt: T0 + 900 }));
    assert.equal(await use().maintenance.purgeExpired('node-a', T0 + 101, 100), 1);
    assert.ok(await links().find('live', 'reset_password', T0 + 101));
  });

  test('a link must name a stored account (a foreign key on the SQL engines)', async (t) => {
    if (use().engine === 'memory') return t.skip('the memory store keeps no foreign keys');
    await assert.rejects(links().create(link({ accountId: 'acct-nobody' })));
  });

  test('findByEmail matches the whole address, A-Z without regard to case, and nothing else', async () => {
    await use().accounts.create(account({ claims: { email: 'John.Doe@Example.com' } }));
    for (const spelling of ['John.Doe@Example.com', 'john.doe@example.com', 'JOHN.DOE@EXAMPLE.COM']) {
      const found = await use().accounts.findByEmail(spelling, 10);
      assert.deepEqual(
        found.map((a) => a.id),
        ['acct-johndoe'],
        `lookup by "${spelling}"`,
      );
    }
    for (const other of ['john.doe@example.co', 'ohn.doe@example.com', 'john.doe@example.com ', '%', '']) {
      assert.deepEqual(await use().accounts.findByEmail(other, 10), [], `no match for "${other}"`);
    }
    assert.deepEqual((await use().accounts.findByEmail('john.doe@example.com', 10))[0], {
      ...account({ claims: { email: 'John.Doe@Example.com' } }),
      disabled: false,
    });
  });

  test('findByEmail folds only A-Z, the same on every engine; a non-text email claim never matches', async () => {
    await use().accounts.create(account({ claims: { email: 'Ärger@example.com' } }));
    await use().accounts.create(account({ id: 'acct-num', username: 'num', claims: { email: 5 } }));
    assert.equal((await use().accounts.findByEmail('Ärger@EXAMPLE.com', 10)).length, 1);
    assert.equal((await use().accounts.findByEmail('ärger@example.com', 10)).length, 0);
    assert.deepEqual(await use().accounts.findByEmail('5', 10), []);
  });

  test('findByEmail gives every account with the address, oldest first, at most limit', async () => {
    const claims = { email: 'shared@example.com' };
    await use().accounts.create(account({ id: 'b', username: 'b', claims, createdAt: T0 + 2 }));
    await use().accounts.create(account({ id: 'a', username: 'a', claims, createdAt: T0 + 2 }));
    await use().accounts.create(account({ id: 'c', username: 'c', claims, createdAt: T0 + 1 }));
    await use().accounts.create(account({ id: 'd', username: 'd', claims: {}, createdAt: T0 }));
    const all = await use().accounts.findByEmail('SHARED@example.com', 10);
    assert.deepEqual(
      all.map((a) => a.id),
      ['c', 'a', 'b'],
    );
    assert.deepEqual(
      (await use().accounts.findByEmail('shared@example.com', 2)).map((a) => a.id),
      ['c', 'a'],
    );
  });
}
