// GrantStore contract, codes: found by hash, redeemed once, and a replay revokes every token of the grant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RedeemResult, TokenRecord } from '../../../src/store/ports/index.ts';
import { code, T0, token, type UseStore } from './fixtures.ts';

/** An access and a refresh token of one grant, their hashes prefixed so each call's tokens are told apart. */
export function issued(prefix: string, grantId = 'grant-1'): TokenRecord[] {
  return [
    token({ hash: `${prefix}-at`, kind: 'access_token', grantId }),
    token({
      hash: `${prefix}-rt`,
      kind: 'refresh_token',
      grantId,
      expiresAt: T0 + 3600,
      familyExpiresAt: T0 + 86_400,
      claims: '{"userinfo":{"email":null}}',
    }),
  ];
}

export function codeCases(use: UseStore): void {
  const grants = () => use().grants;

  test('findCode returns a saved code with every field as given, not yet used', async () => {
    await grants().saveCode(code());
    assert.deepEqual(await grants().findCode('code-hash-1'), { ...code(), used: false });
  });

  test('findCode keeps null redirect_uri, nonce, code_challenge, its method and claims as null', async () => {
    const bare = code({
      redirectUri: null,
      nonce: null,
      codeChallenge: null,
      codeChallengeMethod: null,
      claims: null,
      scope: '',
    });
    await grants().saveCode(bare);
    assert.deepEqual(await grants().findCode('code-hash-1'), { ...bare, used: false });
  });

  test('findCode returns undefined for an unknown hash', async () => {
    await grants().saveCode(code());
    assert.equal(await grants().findCode('code-hash-2'), undefined);
  });

  test('redeemCode on a fresh code answers redeemed, marks it used and stores the tokens unrevoked', async () => {
    await grants().saveCode(code());
    const result = await grants().redeemCode('code-hash-1', T0 + 1, issued('first'));
    assert.deepEqual(result, { status: 'redeemed' });
    assert.equal((await grants().findCode('code-hash-1'))?.used, true);
    for (const record of issued('first')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('redeemCode a second time answers already_used and stores none of the tokens it was given', async () => {
    await grants().saveCode(code());
    await grants().redeemCode('code-hash-1', T0 + 1, issued('first'));
    const result = await grants().redeemCode('code-hash-1', T0 + 2, issued('second'));
    assert.deepEqual(result, { status: 'already_used' });
    for (const record of issued('second')) assert.equal(await grants().findToken(record.hash), undefined);
  });

  test('redeemCode a second time revokes every token of the grant and no token of another grant', async () => {
    await grants().saveCode(code());
    await grants().redeemCode('code-hash-1', T0 + 1, issued('first'));
    // A token issued later on the same grant (a refresh) falls with it.
    await grants().saveTokens([token({ hash: 'refreshed-at' })]);
    await grants().saveTokens(issued('unrelated', 'grant-2'));
    await grants().redeemCode('code-hash-1', T0 + 2, []);
    for (const hash of ['first-at', 'first-rt', 'refreshed-at']) {
      assert.equal((await grants().findToken(hash))?.revoked, true, `${hash} is revoked`);
    }
    for (const record of issued('unrelated', 'grant-2')) {
      assert.equal((await grants().findToken(record.hash))?.revoked, false, `${record.hash} is untouched`);
    }
  });

  test('redeemCode of an unknown code answers missing and stores nothing', async () => {
    await grants().saveCode(code());
    const result = await grants().redeemCode('code-hash-2', T0, issued('stray'));
    assert.deepEqual(result, { status: 'missing' });
    for (const record of issued('stray')) assert.equal(await grants().findToken(record.hash), undefined);
    assert.equal((await grants().findCode('code-hash-1'))?.used, false, 'other codes stay unused');
  });

  test('redeemCode with 20 concurrent calls on one code redeems exactly once and keeps only the winner tokens', async () => {
    await grants().saveCode(code());
    const results: RedeemResult[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => grants().redeemCode('code-hash-1', T0 + 1, issued(`call${i}`))),
    );
    const winners = results.flatMap((r, i) => (r.status === 'redeemed' ? [i] : []));
    assert.equal(winners.length, 1, `exactly one redeemed, got ${JSON.stringify(results)}`);
    assert.equal(results.filter((r) => r.status === 'already_used').length, 19);
    for (let i = 0; i < 20; i++) {
      const stored = await grants().findToken(`call${i}-at`);
      assert.equal(stored !== undefined, i === winners[0], `tokens of call ${i} stored only if it won`);
    }
  });
}
