// GrantStore contract, codes: found by hash, consumed once, and only while their grant is live.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConsumeResult, TokenRecord } from '../../../src/store/ports/index.ts';
import { code, seedTokens, signedIn, T0, token, type UseStore } from './fixtures.ts';

/** A DPoP key thumbprint (RFC 7638 §3.1's example), for codes and tokens bound to one. */
export const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

/**
 * An access and a refresh token of one grant, their hashes prefixed so each call's tokens are told apart;
 * both DPoP-bound, with distinct audiences, so every path that stores them shows the new columns round-trip.
 */
export function issued(prefix: string, grantId = 'grant-1'): TokenRecord[] {
  return [
    token({
      hash: `${prefix}-at`,
      kind: 'access_token',
      grantId,
      audience: 'https://api.example/',
      jkt: JKT,
    }),
    token({
      hash: `${prefix}-rt`,
      kind: 'refresh_token',
      grantId,
      expiresAt: T0 + 3600,
      familyExpiresAt: T0 + 86_400,
      claims: '{"userinfo":{"email":null}}',
      audience: 'https://api.example/ https://reports.example/',
      jkt: JKT,
    }),
  ];
}

export function codeCases(use: UseStore): void {
  const grants = () => use().grants;

  test('findCode returns a saved code with every field as given, its session binding, resources and DPoP jkt included, not yet used', async () => {
    const bound = code({
      sessionHash: 'session-hash-1',
      resource: 'https://api.example/ https://reports.example/',
      jkt: JKT,
    });
    await grants().saveCode(bound);
    assert.deepEqual(await grants().findCode('code-hash-1'), { ...bound, used: false });
  });

  test('findCode keeps null redirect_uri, nonce, code_challenge, its method, claims, session, resource and jkt as null', async () => {
    const bare = code({
      resource: null,
      jkt: null,
      redirectUri: null,
      nonce: null,
      codeChallenge: null,
      codeChallengeMethod: null,
      claims: null,
      scope: '',
      sessionHash: null,
    });
    await grants().saveCode(bare);
    assert.deepEqual(await grants().findCode('code-hash-1'), { ...bare, used: false });
  });

  test('findCode returns undefined for an unknown hash', async () => {
    await grants().saveCode(code());
    assert.equal(await grants().findCode('code-hash-2'), undefined);
  });

  test('consumeCode on a fresh code answers consumed, marks it used and stores the tokens unrevoked', async () => {
    await grants().saveCode(code());
    const result = await grants().consumeCode('code-hash-1', T0 + 1, issued('first'));
    assert.deepEqual(result, { status: 'consumed' });
    assert.equal((await grants().findCode('code-hash-1'))?.used, true);
    for (const record of issued('first')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('consumeCode a second time answers used with the grant, stores none of its tokens and revokes nothing', async () => {
    await grants().saveCode(code());
    await grants().consumeCode('code-hash-1', T0 + 1, issued('first'));
    const result = await grants().consumeCode('code-hash-1', T0 + 2, issued('second'));
    assert.deepEqual(result, { status: 'used', grantId: 'grant-1' });
    for (const record of issued('second')) assert.equal(await grants().findToken(record.hash), undefined);
    // The store reports; protocol/grants/code-replay.ts decides to revoke.
    assert.equal((await grants().findToken('first-at'))?.revoked, false);
  });

  test('consumeCode of an unknown code answers missing and stores nothing', async () => {
    await grants().saveCode(code());
    const result = await grants().consumeCode('code-hash-2', T0, issued('stray'));
    assert.deepEqual(result, { status: 'missing' });
    for (const record of issued('stray')) assert.equal(await grants().findToken(record.hash), undefined);
    assert.equal((await grants().findCode('code-hash-1'))?.used, false, 'other codes stay unused');
  });

  test('consumeCode of a code whose grant was revoked answers revoked, stores nothing and leaves it unused', async () => {
    await grants().saveCode(code());
    await grants().revokeGrant('grant-1', T0 + 1);
    assert.deepEqual(await grants().consumeCode('code-hash-1', T0 + 2, issued('late')), {
      status: 'revoked',
    });
    for (const record of issued('late')) assert.equal(await grants().findToken(record.hash), undefined);
    assert.equal((await grants().findCode('code-hash-1'))?.used, false);
  });

  test('consumeCode after the account withdrew consent for the client answers revoked', async () => {
    await grants().saveCode(code());
    await grants().revokeClientGrants('acct-johndoe', 'client-1', T0 + 1);
    assert.deepEqual(await grants().consumeCode('code-hash-1', T0 + 2, issued('late')), {
      status: 'revoked',
    });
  });

  test('consumeCode after the SSO session the code was bound to ended answers revoked', async () => {
    await signedIn(use());
    await grants().saveCode(code({ sessionHash: 'session-hash-1' }));
    assert.equal(await grants().revokeSessionGrants('session-hash-1', T0 + 1), 1);
    assert.deepEqual(await grants().consumeCode('code-hash-1', T0 + 2, issued('late')), {
      status: 'revoked',
    });
  });

  test('consumeCode of a code bound to a session that ended before the code was saved answers revoked', async () => {
    // The logout came between the authorization request's session check and the code's save.
    await signedIn(use());
    await use().sessions.delete('session-hash-1');
    await grants().revokeSessionGrants('session-hash-1', T0);
    await grants().saveCode(code({ sessionHash: 'session-hash-1' }));
    assert.deepEqual(await grants().consumeCode('code-hash-1', T0 + 1, issued('late')), {
      status: 'revoked',
    });
    assert.equal(await grants().findToken('late-at'), undefined);
  });

  test('consumeCode of a code bound to a live session consumes it', async () => {
    await signedIn(use());
    await grants().saveCode(code({ sessionHash: 'session-hash-1' }));
    assert.deepEqual(await grants().consumeCode('code-hash-1', T0 + 1, issued('first')), {
      status: 'consumed',
    });
  });

  test('revokeGrant after a consumption revokes every token of the grant, later ones too, and no other grant', async () => {
    await grants().saveCode(code());
    await grants().consumeCode('code-hash-1', T0 + 1, issued('first'));
    // A token issued later on the same grant (a refresh) falls with it.
    assert.deepEqual(await grants().issue('grant-1', null, T0 + 1, [token({ hash: 'refreshed-at' })]), {
      status: 'issued',
    });
    await seedTokens(grants(), issued('unrelated', 'grant-2'));
    await grants().revokeGrant('grant-1', T0 + 2);
    for (const hash of ['first-at', 'first-rt', 'refreshed-at']) {
      assert.equal((await grants().findToken(hash))?.revoked, true, `${hash} is revoked`);
    }
    for (const record of issued('unrelated', 'grant-2')) {
      assert.equal((await grants().findToken(record.hash))?.revoked, false, `${record.hash} is untouched`);
    }
  });

  test('consumeCode with 20 concurrent calls on one code consumes exactly once and keeps only the winner tokens', async () => {
    await grants().saveCode(code());
    const results: ConsumeResult[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => grants().consumeCode('code-hash-1', T0 + 1, issued(`call${i}`))),
    );
    const winners = results.flatMap((r, i) => (r.status === 'consumed' ? [i] : []));
    assert.equal(winners.length, 1, `exactly one consumed, got ${JSON.stringify(results)}`);
    assert.equal(results.filter((r) => r.status === 'used').length, 19);
    for (let i = 0; i < 20; i++) {
      const stored = await grants().findToken(`call${i}-at`);
      assert.equal(stored !== undefined, i === winners[0], `tokens of call ${i} stored only if it won`);
    }
  });
}
