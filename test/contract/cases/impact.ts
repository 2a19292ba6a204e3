// ImpactStore contract: the commit preview's counts see only live rows, per client, scope and authenticator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, consent, seedTokens, session, T0, token, type UseStore } from './fixtures.ts';

const NONE = {
  grants: 0,
  refreshTokens: 0,
  accessTokens: 0,
  accounts: 0,
  accountsWithoutConsent: 0,
  consents: 0,
};

export function impactCases(use: UseStore): void {
  const impact = () => use().impact;
  const accounts = async (...ids: string[]) => {
    for (const id of ids) await use().accounts.create(account({ id, username: id }));
  };

  test('a client with nothing stored counts zero everywhere', async () => {
    assert.deepEqual(await impact().clientUsage('client-1', T0), NONE);
    assert.deepEqual(await impact().scopeUsage('client-1', 'openid', T0), { refreshTokens: 0, consents: 0 });
    assert.equal(await impact().liveSessions('username-password', T0), 0);
  });

  test('clientUsage counts live grants, tokens and accounts of that client only', async () => {
    await accounts('acct-a', 'acct-b');
    await seedTokens(use().grants, [
      token({ hash: 'a1', grantId: 'g1', accountId: 'acct-a' }),
      token({ hash: 'r1', kind: 'refresh_token', grantId: 'g1', accountId: 'acct-a', expiresAt: T0 + 9000 }),
      token({ hash: 'r2', kind: 'refresh_token', grantId: 'g2', accountId: 'acct-b', expiresAt: T0 + 9000 }),
      token({ hash: 'x1', kind: 'refresh_token', grantId: 'g3', clientId: 'client-2', expiresAt: T0 + 9000 }),
      // Client credentials: a grant with no account.
      token({ hash: 'cc', grantId: 'g4', accountId: '' }),
    ]);
    assert.deepEqual(await impact().clientUsage('client-1', T0 + 1), {
      grants: 3,
      refreshTokens: 2,
      accessTokens: 2,
      accounts: 2,
      accountsWithoutConsent: 2,
      consents: 0,
    });
  });

  test('revoked, expired and rotated-out tokens and revoked grants are not counted as live', async () => {
    await accounts('acct-a');
    const grants = use().grants;
    await seedTokens(grants, [
      token({
        hash: 'r-rot',
        kind: 'refresh_token',
        grantId: 'g1',
        accountId: 'acct-a',
        expiresAt: T0 + 9000,
      }),
      token({
        hash: 'r-rev',
        kind: 'refresh_token',
        grantId: 'g2',
        accountId: 'acct-a',
        expiresAt: T0 + 9000,
      }),
      token({
        hash: 'r-grant',
        kind: 'refresh_token',
        grantId: 'g3',
        accountId: 'acct-a',
        expiresAt: T0 + 9000,
      }),
      token({ hash: 'a-old', grantId: 'g4', accountId: 'acct-a', expiresAt: T0 + 5 }),
    ]);
    const next = token({
      hash: 'r-next',
      kind: 'refresh_token',
      grantId: 'g1',
      accountId: 'acct-a',
      expiresAt: T0 + 9000,
    });
    assert.equal((await grants.rotateRefreshToken('r-rot', T0 + 1, [next])).status, 'rotated');
    await grants.revokeToken('r-rev', T0 + 1);
    await grants.revokeGrant('g3', T0 + 1);
    const usage = await impact().clientUsage('client-1', T0 + 10);
    assert.equal(usage.refreshTokens, 1, 'only the successor of the rotated token is live');
    assert.equal(usage.accessTokens, 0, 'the access token expired at T0+5');
    assert.equal(usage.grants, 1);
  });

  test('accountsWithoutConsent leaves out accounts that consented to the client', async () => {
    await accounts('acct-a', 'acct-b', 'acct-c');
    await seedTokens(use().grants, [
      token({ hash: 'a1', grantId: 'g1', accountId: 'acct-a' }),
      token({ hash: 'b1', grantId: 'g2', accountId: 'acct-b' }),
    ]);
    await use().consents.save(consent({ accountId: 'acct-a' }));
    await use().consents.save(consent({ accountId: 'acct-b', clientId: 'client-2' }));
    await use().consents.save(consent({ accountId: 'acct-c' }));
    const usage = await impact().clientUsage('client-1', T0 + 1);
    assert.equal(usage.accounts, 2);
    assert.equal(usage.accountsWithoutConsent, 1, 'acct-b consented only to another client');
    assert.equal(usage.consents, 2);
  });

  test('scopeUsage matches whole scope words in live refresh tokens and consents', async () => {
    await accounts('acct-a', 'acct-b');
    await seedTokens(use().grants, [
      token({
        hash: 'r1',
        kind: 'refresh_token',
        grantId: 'g1',
        scope: 'openid offline_access',
        expiresAt: T0 + 9000,
      }),
      token({
        hash: 'r2',
        kind: 'refresh_token',
        grantId: 'g2',
        scope: 'openid offline_access_x',
        expiresAt: T0 + 9000,
      }),
      token({ hash: 'a1', grantId: 'g1', scope: 'openid offline_access' }),
    ]);
    await use().consents.save(consent({ accountId: 'acct-a', scope: 'offline_access openid' }));
    await use().consents.save(consent({ accountId: 'acct-b', scope: 'openid' }));
    assert.deepEqual(await impact().scopeUsage('client-1', 'offline_access', T0 + 1), {
      refreshTokens: 1,
      consents: 1,
    });
    assert.deepEqual(await impact().scopeUsage('client-1', 'openid', T0 + 1), {
      refreshTokens: 2,
      consents: 2,
    });
    assert.deepEqual(await impact().scopeUsage('client-1', 'offline', T0 + 1), {
      refreshTokens: 0,
      consents: 0,
    });
  });

  test('liveSessions counts unexpired sessions of that authenticator only', async () => {
    await accounts('acct-johndoe');
    await use().sessions.create(session({ idHash: 's1' }));
    await use().sessions.create(session({ idHash: 's2', expiresAt: T0 + 10 }));
    await use().sessions.create(session({ idHash: 's3', authenticator: 'passkey' }));
    assert.equal(await impact().liveSessions('username-password', T0 + 100), 1);
    assert.equal(await impact().liveSessions('passkey', T0 + 100), 1);
  });
}
