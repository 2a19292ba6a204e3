// GrantStore contract, tokens: issued from live grants, revoked one by one, per grant, per client or per
// session, refresh tokens rotated once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RotateResult } from '../../../src/store/ports/index.ts';
import { issued } from './codes.ts';
import { code, seedTokens, signedIn, T0, token, type UseStore } from './fixtures.ts';

export function tokenCases(use: UseStore): void {
  const grants = () => use().grants;
  const revoked = async (hash: string) => (await grants().findToken(hash))?.revoked;

  test('findToken returns tokens issued from a grant with every field as given, unrevoked and unrotated', async () => {
    await seedTokens(grants(), issued('saved'));
    for (const record of issued('saved')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('findToken keeps a null audience and jkt as null: a bearer token for the client itself', async () => {
    const bearer = token({ hash: 'bearer-at', audience: null, jkt: null });
    await seedTokens(grants(), [bearer]);
    assert.deepEqual(await grants().findToken('bearer-at'), { ...bearer, revoked: false, rotatedAt: null });
  });

  test('issue stores the audience and DPoP jkt of tokens issued from a live grant', async () => {
    await seedTokens(grants(), issued('a'));
    assert.deepEqual(await grants().issue('grant-1', 'a-rt', T0 + 1, issued('refreshed')), {
      status: 'issued',
    });
    for (const record of issued('refreshed')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('findToken returns undefined for an unknown hash', async () => {
    await seedTokens(grants(), issued('saved'));
    assert.equal(await grants().findToken('saved-xx'), undefined);
  });

  test('issue with an empty list answers issued and stores nothing', async () => {
    await seedTokens(grants(), issued('saved'));
    assert.deepEqual(await grants().issue('grant-1', null, T0, []), { status: 'issued' });
    assert.equal(await grants().findToken('token-hash-1'), undefined);
  });

  test('issue from a revoked grant answers revoked and stores nothing', async () => {
    await seedTokens(grants(), issued('a'));
    await grants().revokeGrant('grant-1', T0 + 1);
    assert.deepEqual(await grants().issue('grant-1', null, T0 + 2, issued('late')), { status: 'revoked' });
    assert.equal(await grants().findToken('late-at'), undefined);
  });

  test('issue from an unknown grant answers revoked and stores nothing', async () => {
    assert.deepEqual(await grants().issue('grant-none', null, T0, issued('late', 'grant-none')), {
      status: 'revoked',
    });
    assert.equal(await grants().findToken('late-at'), undefined);
  });

  test('issue from a token that was revoked, or has expired, answers revoked and stores nothing', async () => {
    await seedTokens(grants(), issued('a'));
    await grants().revokeToken('a-rt', T0 + 1);
    assert.deepEqual(await grants().issue('grant-1', 'a-rt', T0 + 2, issued('late')), { status: 'revoked' });
    assert.deepEqual(await grants().issue('grant-1', 'a-at', T0 + 300, issued('later')), {
      status: 'revoked',
    });
    assert.deepEqual(await grants().issue('grant-1', 'a-at', T0 + 299, issued('live')), { status: 'issued' });
    assert.equal(await grants().findToken('late-at'), undefined);
    assert.equal(await grants().findToken('later-at'), undefined);
  });

  test('openGrant on an existing revoked grant keeps it revoked and stores nothing', async () => {
    await seedTokens(grants(), issued('a'));
    await grants().revokeGrant('grant-1', T0 + 1);
    const grant = {
      id: 'grant-1',
      clientId: 'client-1',
      accountId: 'acct-johndoe',
      sessionHash: null,
      expiresAt: T0 + 60,
    };
    assert.deepEqual(await grants().openGrant(grant, T0 + 2, issued('again')), { status: 'revoked' });
    assert.equal(await grants().findToken('again-at'), undefined);
  });

  test('openGrant makes a new grant last as long as its tokens, so a purge before they expire keeps it live', async () => {
    const grant = { id: 'grant-new', clientId: 'client-1', accountId: '', sessionHash: null, expiresAt: T0 };
    assert.deepEqual(await grants().openGrant(grant, T0, issued('first', 'grant-new')), { status: 'issued' });
    await use().maintenance.purgeExpired('node-a', T0 + 60, 1000);
    assert.deepEqual(await grants().issue('grant-new', null, T0 + 61, issued('second', 'grant-new')), {
      status: 'issued',
    });
  });

  test('revokeGrant revokes every token of that grant and none of another grant', async () => {
    await seedTokens(grants(), [...issued('a', 'grant-a'), ...issued('b', 'grant-b')]);
    await grants().revokeGrant('grant-a', T0 + 5);
    assert.deepEqual(
      [await revoked('a-at'), await revoked('a-rt'), await revoked('b-at'), await revoked('b-rt')],
      [true, true, false, false],
    );
  });

  test('revokeGrant of a grant without tokens succeeds and revokes nothing', async () => {
    await seedTokens(grants(), issued('a', 'grant-a'));
    await grants().revokeGrant('grant-none', T0 + 5);
    assert.equal(await revoked('a-at'), false);
  });

  test('revokeClientGrants revokes every token of that account for that client, and no other', async () => {
    await seedTokens(grants(), [
      ...issued('mine', 'grant-a'),
      ...issued('mine-again', 'grant-b'),
      ...issued('other-client', 'grant-c').map((t) => ({ ...t, clientId: 'client-2' })),
      ...issued('other-user', 'grant-d').map((t) => ({ ...t, accountId: 'acct-jane' })),
    ]);
    await grants().revokeClientGrants('acct-johndoe', 'client-1', T0 + 5);
    assert.deepEqual(await grants().issue('grant-a', null, T0 + 6, issued('late', 'grant-a')), {
      status: 'revoked',
    });
    for (const hash of ['mine-at', 'mine-rt', 'mine-again-at', 'mine-again-rt'])
      assert.equal(await revoked(hash), true, hash);
    for (const hash of ['other-client-at', 'other-user-rt']) assert.equal(await revoked(hash), false, hash);
  });

  test('revokeToken revokes that token only and answers true', async () => {
    await seedTokens(grants(), issued('a'));
    assert.equal(await grants().revokeToken('a-rt', T0 + 5), true);
    assert.equal(await revoked('a-rt'), true);
    assert.equal(await revoked('a-at'), false, 'the rest of the grant stays');
  });

  test('revokeToken of a token already revoked still answers true and keeps it revoked', async () => {
    await seedTokens(grants(), issued('a'));
    await grants().revokeToken('a-at', T0 + 5);
    assert.equal(await grants().revokeToken('a-at', T0 + 6), true);
    assert.equal(await revoked('a-at'), true);
  });

  test('revokeToken of an unknown token answers false', async () => {
    await seedTokens(grants(), issued('a'));
    assert.equal(await grants().revokeToken('nope', T0 + 5), false);
  });

  const rotate = (hash: string, now: number, prefix: string) =>
    grants().rotateRefreshToken(hash, now, issued(prefix));

  test('revokeSessionGrants revokes the grants bound to that session only and counts them', async () => {
    await signedIn(use(), 'session-hash-2');
    await grants().saveCode(code({ hash: 'bound', grantId: 'grant-bound', sessionHash: 'session-hash-1' }));
    await grants().saveCode(code({ hash: 'offline', grantId: 'grant-offline', sessionHash: null }));
    await grants().saveCode(
      code({ hash: 'elsewhere', grantId: 'grant-other', sessionHash: 'session-hash-2' }),
    );
    for (const [hash, grantId] of [
      ['bound', 'grant-bound'],
      ['offline', 'grant-offline'],
      ['elsewhere', 'grant-other'],
    ]) {
      await grants().consumeCode(hash!, T0 + 1, issued(hash!, grantId));
    }
    assert.equal(await grants().revokeSessionGrants('session-hash-1', T0 + 2), 1);
    assert.equal(await revoked('bound-rt'), true);
    assert.equal(await revoked('offline-rt'), false, 'an offline_access grant outlives the session');
    assert.equal(await revoked('elsewhere-rt'), false, 'another session is untouched');
    assert.equal(await grants().revokeSessionGrants('session-hash-1', T0 + 3), 0, 'already revoked');
  });

  test('rotateRefreshToken on a fresh token answers rotated, marks it rotated at now and stores the successors', async () => {
    await seedTokens(grants(), issued('a'));
    assert.deepEqual(await rotate('a-rt', T0 + 10, 'next'), { status: 'rotated' });
    const old = await grants().findToken('a-rt');
    assert.equal(old?.rotatedAt, T0 + 10);
    assert.equal(old?.revoked, false, 'rotation alone does not revoke');
    for (const record of issued('next')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('rotateRefreshToken a second time answers already_rotated with the first time and the grant, and stores nothing', async () => {
    await seedTokens(grants(), [...issued('a'), ...issued('other', 'grant-2')]);
    await rotate('a-rt', T0 + 10, 'next');
    assert.deepEqual(await rotate('a-rt', T0 + 41, 'thief'), {
      status: 'already_rotated',
      rotatedAt: T0 + 10,
      grantId: 'grant-1',
    });
    assert.equal(await grants().findToken('thief-rt'), undefined);
    // The store reports; protocol/grants/refresh-rotation.ts decides on grace or revocation.
    for (const hash of ['a-at', 'next-rt', 'other-rt']) assert.equal(await revoked(hash), false, hash);
  });

  test('rotateRefreshToken keeps the first rotation time however often the token comes back', async () => {
    await seedTokens(grants(), issued('a'));
    await rotate('a-rt', T0 + 10, 'first');
    await rotate('a-rt', T0 + 15, 'second');
    const third = await rotate('a-rt', T0 + 21, 'third');
    assert.equal(third.status === 'already_rotated' && third.rotatedAt, T0 + 10);
  });

  test('rotateRefreshToken of a revoked, expired or revoked-grant token answers revoked and stores nothing', async () => {
    await seedTokens(grants(), [...issued('a'), ...issued('b', 'grant-2'), ...issued('c', 'grant-3')]);
    await grants().revokeToken('a-rt', T0 + 1);
    await grants().revokeGrant('grant-2', T0 + 1);
    assert.deepEqual(await rotate('a-rt', T0 + 10, 'n1'), { status: 'revoked' });
    assert.deepEqual(await rotate('b-rt', T0 + 10, 'n2'), { status: 'revoked' });
    assert.deepEqual(
      await rotate('c-rt', T0 + 3600, 'n3'),
      { status: 'revoked' },
      'expired at its expiresAt',
    );
    for (const prefix of ['n1', 'n2', 'n3'])
      assert.equal(await grants().findToken(`${prefix}-rt`), undefined);
  });

  test('rotateRefreshToken of an unknown token answers missing and stores nothing', async () => {
    await seedTokens(grants(), issued('a'));
    assert.deepEqual(await rotate('nope', T0 + 10, 'next'), { status: 'missing' });
    assert.equal(await grants().findToken('next-rt'), undefined);
  });

  test('rotateRefreshToken with 20 concurrent calls on one token rotates exactly once', async () => {
    await seedTokens(grants(), issued('a'));
    const results: RotateResult[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rotate('a-rt', T0 + 10, `call${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 'rotated').length, 1, JSON.stringify(results));
    assert.equal(results.filter((r) => r.status === 'already_rotated').length, 19);
  });
}
