// Races: whatever order parallel issuers and one revocation commit in, no token of a revoked grant is left
// live (issue 10: "a race that leaves a revoked grant alive"); of parallel uses of one single-use value
// (a jti, a pushed request), exactly one wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrantStore } from '../../../src/store/ports/index.ts';
import { issued } from './codes.ts';
import { code, pushedRequest, seedTokens, signedIn, T0, type UseStore } from './fixtures.ts';

const CALLERS = 20;

/** Every token of the grants is revoked, and a caller's tokens exist exactly when it was told they were issued. */
async function assertNothingLive(
  grants: GrantStore,
  outcomes: { prefix: string; stored: boolean }[],
): Promise<void> {
  for (const { prefix, stored } of outcomes) {
    for (const kind of ['at', 'rt']) {
      const found = await grants.findToken(`${prefix}-${kind}`);
      assert.equal(found !== undefined, stored, `${prefix}-${kind} stored only when reported so`);
      if (found)
        assert.equal(found.revoked, true, `${prefix}-${kind} was issued before the revocation: revoked`);
    }
  }
}

export function raceCases(use: UseStore): void {
  const grants = () => use().grants;
  /** Redemptions of half the codes, the first half or (from CALLERS / 2) the second. */
  const redemptions = (from = 0) =>
    Array.from({ length: CALLERS / 2 }, (_, n) => {
      const i = from + n;
      return grants()
        .consumeCode(`code${i}`, T0 + 1, issued(`call${i}`, `grant-${i}`))
        .then((r) => ({ prefix: `call${i}`, stored: r.status === 'consumed' }));
    });

  test(`${CALLERS} refreshes without rotation racing revokeGrant leave no live token`, async () => {
    await seedTokens(grants(), issued('a'));
    const calls = Array.from({ length: CALLERS }, (_, i) =>
      grants()
        .issue('grant-1', 'a-rt', T0 + 1, issued(`call${i}`))
        .then((r) => ({ prefix: `call${i}`, stored: r.status === 'issued' })),
    );
    calls.splice(
      CALLERS / 2,
      0,
      grants()
        .revokeGrant('grant-1', T0 + 1)
        .then(() => ({ prefix: 'a', stored: true })),
    );
    await assertNothingLive(grants(), await Promise.all(calls));
  });

  test(`${CALLERS} rotations of the grant's refresh tokens racing revokeGrant leave no live token`, async () => {
    await seedTokens(grants(), Array.from({ length: CALLERS }, (_, i) => issued(`old${i}`)).flat());
    const calls = Array.from({ length: CALLERS }, (_, i) =>
      grants()
        .rotateRefreshToken(`old${i}-rt`, T0 + 1, issued(`new${i}`))
        .then((r) => ({ prefix: `new${i}`, stored: r.status === 'rotated' })),
    );
    calls.splice(
      CALLERS / 2,
      0,
      grants()
        .revokeGrant('grant-1', T0 + 1)
        .then(() => ({ prefix: 'old0', stored: true })),
    );
    await assertNothingLive(grants(), await Promise.all(calls));
  });

  test(`${CALLERS} code redemptions racing a consent withdrawal (revokeClientGrants) leave no live token`, async () => {
    for (let i = 0; i < CALLERS; i++)
      await grants().saveCode(code({ hash: `code${i}`, grantId: `grant-${i}` }));
    // The revocation starts halfway through the redemptions, so on a pooled engine they interleave.
    const calls = redemptions();
    const withdrawal = grants().revokeClientGrants('acct-johndoe', 'client-1', T0 + 1);
    calls.push(...redemptions(CALLERS / 2));
    await withdrawal;
    await assertNothingLive(grants(), await Promise.all(calls));
    await signedIn(use());
    for (let i = 0; i < CALLERS; i++) {
      const late = await grants().consumeCode(`code${i}`, T0 + 2, issued(`late${i}`, `grant-${i}`));
      assert.notEqual(late.status, 'consumed', `code${i} cannot be redeemed after the withdrawal`);
    }
  });

  test(`${CALLERS} code redemptions racing the end of their SSO session leave no live token`, async () => {
    for (let i = 0; i < CALLERS; i++)
      await grants().saveCode(
        code({ hash: `code${i}`, grantId: `grant-${i}`, sessionHash: 'session-hash-1' }),
      );
    const calls = redemptions();
    const logout = grants().revokeSessionGrants('session-hash-1', T0 + 1);
    calls.push(...redemptions(CALLERS / 2));
    assert.equal(await logout, CALLERS, 'every grant of the session is revoked, redeemed or not');
    await assertNothingLive(grants(), await Promise.all(calls));
  });
}

export function singleUseRaceCases(use: UseStore): void {
  const winners = (results: readonly unknown[]) => results.filter((r) => r === true).length;

  test(`${CALLERS} concurrent recordOnce of one key: exactly one is first`, async () => {
    const results = await Promise.all(
      Array.from({ length: CALLERS }, () => use().replay.recordOnce('jti-1', T0 + 60, T0)),
    );
    assert.equal(winners(results), 1, JSON.stringify(results));
  });

  test(`${CALLERS} concurrent recordOnce of one expired key: exactly one records it afresh`, async () => {
    await use().replay.recordOnce('jti-1', T0 + 60, T0);
    const results = await Promise.all(
      Array.from({ length: CALLERS }, () => use().replay.recordOnce('jti-1', T0 + 120, T0 + 60)),
    );
    assert.equal(winners(results), 1, JSON.stringify(results));
  });

  test(`${CALLERS} concurrent takes of one pushed request: exactly one gets it`, async () => {
    await use().pushedRequests.push(pushedRequest());
    const results = await Promise.all(
      Array.from({ length: CALLERS }, () => use().pushedRequests.take('par-hash-1', T0 + 1)),
    );
    const taken = results.filter((r) => r !== undefined);
    assert.equal(taken.length, 1, `taken ${taken.length} times`);
    assert.deepEqual(taken[0], pushedRequest());
  });
}
