// RegistrationStore contract: registered clients (RFC 7591/7592) round-trip, update, disable, delete and age out;
// an initial access token is spent atomically and refused once revoked, expired or used up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InitialAccessToken, RegisteredClient } from '../../../src/store/ports/index.ts';
import { token as issuedToken, seedTokens, T0, type UseStore } from './fixtures.ts';

const client = (change: Partial<RegisteredClient> = {}): RegisteredClient => ({
  clientId: 'dyn-1',
  config: {
    redirect_uris: ['https://app.example/cb'],
    token_endpoint_auth_method: 'none',
    name: 'Quoted "app"',
  },
  metadata: {
    client_name: 'Quoted "app"',
    redirect_uris: ['https://app.example/cb'],
    contacts: ["o'brien@example"],
  },
  registrationTokenHash: 'rat-hash-1',
  registeredBy: 'open registration',
  address: '192.0.2.7',
  createdAt: T0,
  updatedAt: T0,
  lastUsedAt: null,
  disabled: false,
  ...change,
});

const token = (change: Partial<InitialAccessToken> = {}): InitialAccessToken => ({
  id: 'iat-1',
  label: 'CI pipeline',
  tokenHash: 'iat-hash-1',
  createdAt: T0,
  expiresAt: null,
  usesLeft: null,
  revoked: false,
  ...change,
});

export function registrationCases(use: UseStore): void {
  const store = () => use().registration;

  test('a registered client reads back with every field, its JSON intact', async () => {
    await store().create(client());
    assert.deepEqual(await store().find('dyn-1'), client());
    assert.equal(await store().find('dyn-2'), undefined);
  });

  test('list is newest first and bounded by its limit', async () => {
    await store().create(client({ clientId: 'old', createdAt: T0 }));
    await store().create(client({ clientId: 'new', createdAt: T0 + 10 }));
    await store().create(client({ clientId: 'mid', createdAt: T0 + 5 }));
    assert.deepEqual(
      (await store().list(2)).map((c) => c.clientId),
      ['new', 'mid'],
    );
  });

  test('update replaces config and metadata, keeps the registration token; unknown ids answer false', async () => {
    await store().create(client());
    const change = {
      config: { redirect_uris: ['https://b.example/cb'] },
      metadata: { a: 1 },
      updatedAt: T0 + 3,
    };
    assert.equal(await store().update('dyn-1', change), true);
    const found = await store().find('dyn-1');
    assert.deepEqual(
      [found?.config, found?.metadata, found?.updatedAt],
      [change.config, change.metadata, T0 + 3],
    );
    assert.equal(found?.registrationTokenHash, 'rat-hash-1');
    assert.equal(await store().update('nobody', change), false);
  });

  test('setDisabled flips the flag both ways; delete removes the client once', async () => {
    await store().create(client());
    assert.equal(await store().setDisabled('dyn-1', true), true);
    assert.equal((await store().find('dyn-1'))?.disabled, true);
    await store().setDisabled('dyn-1', false);
    assert.equal((await store().find('dyn-1'))?.disabled, false);
    assert.equal(await store().delete('dyn-1'), true);
    assert.equal(await store().delete('dyn-1'), false);
    assert.equal(await store().find('dyn-1'), undefined);
  });

  test('touch only moves last_used_at forward', async () => {
    await store().create(client());
    await store().touch('dyn-1', T0 + 100);
    await store().touch('dyn-1', T0 + 50);
    assert.equal((await store().find('dyn-1'))?.lastUsedAt, T0 + 100);
  });

  test('deleteUnused removes clients neither used nor created since the cutoff, and names them', async () => {
    await store().create(client({ clientId: 'never-used', createdAt: T0 }));
    await store().create(client({ clientId: 'used-late', createdAt: T0 }));
    await store().create(client({ clientId: 'new', createdAt: T0 + 200 }));
    await store().touch('used-late', T0 + 150);
    assert.deepEqual(await store().deleteUnused(T0 + 100), ['never-used']);
    assert.deepEqual((await store().list(10)).map((c) => c.clientId).sort(), ['new', 'used-late']);
  });

  test('an initial access token with uses spends one per use and is refused when none are left', async () => {
    await store().createInitialToken(token({ usesLeft: 2 }));
    assert.equal((await store().useInitialToken('iat-hash-1', T0 + 1))?.usesLeft, 1);
    assert.equal((await store().useInitialToken('iat-hash-1', T0 + 1))?.usesLeft, 0);
    assert.equal(await store().useInitialToken('iat-hash-1', T0 + 1), undefined);
    assert.equal(await store().useInitialToken('other-hash', T0 + 1), undefined);
  });

  test('two uses of a token with one use left at once: exactly one succeeds', async () => {
    await store().createInitialToken(token({ usesLeft: 1 }));
    const results = await Promise.all([
      store().useInitialToken('iat-hash-1', T0 + 1),
      store().useInitialToken('iat-hash-1', T0 + 1),
    ]);
    assert.equal(results.filter((r) => r !== undefined).length, 1);
  });

  test('an initial access token is refused at its expiry and after it is revoked; unlimited ones stay unlimited', async () => {
    await store().createInitialToken(token({ id: 'exp', tokenHash: 'h-exp', expiresAt: T0 + 10 }));
    await store().createInitialToken(token({ id: 'any', tokenHash: 'h-any' }));
    assert.ok(await store().useInitialToken('h-exp', T0 + 9));
    assert.equal(await store().useInitialToken('h-exp', T0 + 10), undefined);
    assert.equal((await store().useInitialToken('h-any', T0 + 1))?.usesLeft, null);
    assert.equal(await store().revokeInitialToken('any'), true);
    assert.equal(await store().useInitialToken('h-any', T0 + 2), undefined);
    assert.equal(await store().revokeInitialToken('nobody'), false);
    assert.deepEqual((await store().listInitialTokens()).map((t) => [t.id, t.revoked]).sort(), [
      ['any', true],
      ['exp', false],
    ]);
  });

  test('revokeAllClientGrants revokes every grant and token of the client, whoever holds them, and no other client', async () => {
    const grants = use().grants;
    await seedTokens(grants, [
      issuedToken({ hash: 'a-1', grantId: 'g-a', clientId: 'dyn-1', accountId: 'acct-a' }),
      issuedToken({
        hash: 'b-1',
        grantId: 'g-b',
        clientId: 'dyn-1',
        accountId: 'acct-b',
        kind: 'refresh_token',
      }),
      issuedToken({ hash: 'other', grantId: 'g-o', clientId: 'dyn-2', accountId: 'acct-a' }),
    ]);
    await grants.revokeAllClientGrants('dyn-1', T0 + 1);
    const revoked = async (hash: string) => (await grants.findToken(hash))?.revoked;
    assert.deepEqual(
      [await revoked('a-1'), await revoked('b-1'), await revoked('other')],
      [true, true, false],
    );
  });
}
