// GrantStore contract, exchanged tokens (RFC 8693): the act claim and an external subject come back as stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedTokens, T0, token, type UseStore } from './fixtures.ts';

export function exchangedTokenCases(use: UseStore): void {
  const grants = () => use().grants;

  test('findToken returns an exchanged token with its act claim and external subject as stored', async () => {
    const exchanged = token({
      hash: 'exchanged-at',
      accountId: '',
      audience: 'https://api.example/orders',
      act: '{"sub":"gateway","act":{"sub":"frontend"}}',
      subject: '{"iss":"https://idp.example","sub":"ext-7"}',
    });
    await seedTokens(grants(), [exchanged]);
    assert.deepEqual(await grants().findToken('exchanged-at'), {
      ...exchanged,
      revoked: false,
      rotatedAt: null,
    });
  });

  test('issue into a live grant keeps act on the new token and leaves the token it came from without one', async () => {
    const subject = token({ hash: 'subject-at' });
    await seedTokens(grants(), [subject]);
    const delegated = token({ hash: 'delegated-at', clientId: 'client-2', act: '{"sub":"client-2"}' });
    assert.deepEqual(await grants().issue('grant-1', 'subject-at', T0 + 1, [delegated]), {
      status: 'issued',
    });
    assert.equal((await grants().findToken('delegated-at'))?.act, '{"sub":"client-2"}');
    const original = await grants().findToken('subject-at');
    assert.equal(original?.act, undefined);
    assert.equal(original?.subject, undefined);
  });

  test('a token exchanged from a grant is revoked with that grant', async () => {
    await seedTokens(grants(), [token({ hash: 'subject-at' })]);
    const delegated = token({ hash: 'delegated-at', clientId: 'client-2', act: '{"sub":"client-2"}' });
    await grants().issue('grant-1', 'subject-at', T0 + 1, [delegated]);
    await grants().revokeGrant('grant-1', T0 + 2);
    assert.equal((await grants().findToken('delegated-at'))?.revoked, true);
  });
}
