// Contract for migration 017: identities at other OpenID Providers linked to accounts (unique on issuer and
// subject; an account and its link created together or not at all) and the logins in flight (each stage taken once).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PendingIdentity, UpstreamIdentity, UpstreamLogin } from '../../../src/store/ports/index.ts';
import { account, T0, type UseStore } from './fixtures.ts';

const ISSUER = 'https://idp.example.com';

const identity = (overrides: Partial<UpstreamIdentity> = {}): UpstreamIdentity => ({
  issuer: ISSUER,
  subject: '248289761001',
  accountId: 'acct-johndoe',
  authenticator: 'acme',
  createdAt: T0,
  lastUsedAt: null,
  ...overrides,
});

const pending: PendingIdentity = {
  issuer: ISSUER,
  subject: 'new-person',
  claims: { name: 'Jane Roe', email: 'jane@example.com', email_verified: true, address: { country: 'CH' } },
  amr: ['pwd', 'otp'],
  acr: 'urn:idp:gold',
  username: 'jane',
  display: 'jane@example.com',
};

const login = (overrides: Partial<UpstreamLogin> = {}): UpstreamLogin => ({
  handleHash: 'handle-hash-1',
  authenticator: 'acme',
  returnTo: '/oauth/v2/oauth-authorize?client_id=www',
  policy: 'corporate',
  expiresAt: T0 + 600,
  pending: null,
  ...overrides,
});

export function upstreamCases(use: UseStore): void {
  const withAccount = () => use().accounts.create(account());

  test('link keeps every field; the same issuer and subject cannot be linked twice, to any account', async () => {
    await withAccount();
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
    assert.equal(await use().upstream.link(identity()), true);
    assert.equal(await use().upstream.link(identity({ accountId: 'acct-other', createdAt: T0 + 5 })), false);
    assert.deepEqual(await use().upstream.findIdentity(ISSUER, '248289761001'), identity());
    // The pair is the key: the same subject at another issuer is another person.
    assert.equal(
      await use().upstream.link(identity({ issuer: 'https://other.example', accountId: 'acct-other' })),
      true,
    );
    assert.equal(await use().upstream.findIdentity(ISSUER, 'nobody'), undefined);
    assert.equal(await use().upstream.findIdentity('https://idp.example.com/', '248289761001'), undefined);
  });

  test('listIdentities gives the account its links only, oldest first; recordUse sets the last use', async () => {
    await withAccount();
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
    await use().upstream.link(identity({ subject: 'b', createdAt: T0 + 10 }));
    await use().upstream.link(identity({ subject: 'a', createdAt: T0 + 20, authenticator: 'corp' }));
    await use().upstream.link(identity({ subject: 'c', accountId: 'acct-other' }));
    await use().upstream.recordUse(ISSUER, 'a', T0 + 99);
    assert.deepEqual(
      (await use().upstream.listIdentities('acct-johndoe')).map((i) => [
        i.subject,
        i.authenticator,
        i.lastUsedAt,
      ]),
      [
        ['b', 'acme', null],
        ['a', 'corp', T0 + 99],
      ],
    );
  });

  test('unlink removes only a link of the named account', async () => {
    await withAccount();
    await use().upstream.link(identity());
    assert.equal(await use().upstream.unlink('acct-other', ISSUER, '248289761001'), false);
    assert.ok(await use().upstream.findIdentity(ISSUER, '248289761001'));
    assert.equal(await use().upstream.unlink('acct-johndoe', ISSUER, '248289761001'), true);
    assert.equal(await use().upstream.findIdentity(ISSUER, '248289761001'), undefined);
    assert.equal(await use().upstream.unlink('acct-johndoe', ISSUER, '248289761001'), false);
  });

  test('createLinkedAccount makes the account and its link together', async () => {
    const created = await use().upstream.createLinkedAccount(
      account({ id: 'jane', username: 'jane', passwordHash: '' }),
      identity({ accountId: 'jane', subject: 'new-person' }),
    );
    assert.equal(created, 'created');
    const stored = await use().accounts.findById('jane');
    assert.equal(stored?.username, 'jane');
    assert.equal(stored?.passwordHash, '');
    assert.deepEqual(stored?.claims, account().claims);
    assert.equal((await use().upstream.findIdentity(ISSUER, 'new-person'))?.accountId, 'jane');
  });

  test('createLinkedAccount writes nothing when the username is taken (any case) or the identity is linked', async () => {
    await withAccount();
    assert.equal(
      await use().upstream.createLinkedAccount(
        account({ id: 'other-id', username: 'JohnDoe' }),
        identity({ accountId: 'other-id', subject: 's1' }),
      ),
      'username_taken',
    );
    assert.equal(await use().upstream.findIdentity(ISSUER, 's1'), undefined);
    await use().upstream.link(identity());
    assert.equal(
      await use().upstream.createLinkedAccount(
        account({ id: 'jane', username: 'jane' }),
        identity({ accountId: 'jane' }),
      ),
      'identity_taken',
    );
    assert.equal(await use().accounts.findById('jane'), undefined);
    assert.equal((await use().upstream.findIdentity(ISSUER, '248289761001'))?.accountId, 'acct-johndoe');
  });

  test('a login at the upstream is taken once, never after expiry, and never as a pending one', async () => {
    await use().upstream.saveLogin(login(), T0);
    assert.equal(await use().upstream.findPending('handle-hash-1', T0), undefined);
    assert.equal(await use().upstream.takePending('handle-hash-1', T0), undefined);
    assert.deepEqual(await use().upstream.takeLogin('handle-hash-1', T0 + 1), login());
    assert.equal(await use().upstream.takeLogin('handle-hash-1', T0 + 1), undefined, 'single use');
    await use().upstream.saveLogin(login({ handleHash: 'h2' }), T0);
    assert.equal(await use().upstream.takeLogin('h2', T0 + 600), undefined, 'expired');
    assert.equal(await use().upstream.takeLogin('h2', T0 + 1), undefined, 'an expired one is spent too');
  });

  test('the pending stage keeps the identity, is shown until taken, and is taken once', async () => {
    await use().upstream.saveLogin(login(), T0);
    const taken = await use().upstream.takeLogin('handle-hash-1', T0 + 1);
    assert.ok(taken);
    await use().upstream.saveLogin({ ...taken, pending, expiresAt: T0 + 900 }, T0 + 1);
    assert.equal(
      await use().upstream.takeLogin('handle-hash-1', T0 + 2),
      undefined,
      'not a login at the upstream',
    );
    const shown = await use().upstream.findPending('handle-hash-1', T0 + 2);
    assert.deepEqual(shown, login({ pending, expiresAt: T0 + 900 }));
    assert.deepEqual(
      await use().upstream.findPending('handle-hash-1', T0 + 3),
      shown,
      'finding uses nothing',
    );
    assert.deepEqual(await use().upstream.takePending('handle-hash-1', T0 + 3), shown);
    assert.equal(await use().upstream.takePending('handle-hash-1', T0 + 3), undefined);
    assert.equal(await use().upstream.findPending('handle-hash-1', T0 + 3), undefined);
  });

  test('a pending stage is not found or taken after its expiry; saving drops expired logins', async () => {
    await use().upstream.saveLogin(login({ pending, expiresAt: T0 + 10 }), T0);
    assert.equal(await use().upstream.findPending('handle-hash-1', T0 + 10), undefined);
    assert.equal(await use().upstream.takePending('handle-hash-1', T0 + 10), undefined);
    await use().upstream.saveLogin(login({ handleHash: 'old', expiresAt: T0 + 5 }), T0);
    await use().upstream.saveLogin(login({ handleHash: 'new' }), T0 + 6);
    assert.equal(
      await use().upstream.takeLogin('old', T0 + 1),
      undefined,
      'dropped when a later login was saved',
    );
    assert.ok(await use().upstream.takeLogin('new', T0 + 7));
  });
}
