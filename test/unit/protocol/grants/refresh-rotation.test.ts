// Refresh-token rotation (RFC 9700 §4.14.2): first use rotates, a retry within the grace window is
// served, a later reuse revokes the grant; decided in protocol/grants/refresh-rotation.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refreshWithoutRotation, rotateRefresh } from '../../../../src/protocol/grants/refresh-rotation.ts';
import { createMemoryStore } from '../../../../src/store/memory/index.ts';
import { issued } from '../../../contract/cases/codes.ts';
import { seedTokens, T0 } from '../../../contract/cases/fixtures.ts';

async function withGrant() {
  const store = createMemoryStore();
  await seedTokens(store.grants, [...issued('a'), ...issued('other', 'grant-2')]);
  return store;
}
const revoked = async (store: ReturnType<typeof createMemoryStore>, hash: string) =>
  (await store.grants.findToken(hash))?.revoked;

describe('refresh rotation', () => {
  test('the first exchange rotates and issues the successors', async () => {
    const store = await withGrant();
    assert.equal(await rotateRefresh('a-rt', T0 + 10, 0, issued('next'), store), undefined);
    assert.equal(await revoked(store, 'next-rt'), false);
  });

  test('a second exchange inside the grace window is served, from the first rotation on', async () => {
    const store = await withGrant();
    await rotateRefresh('a-rt', T0 + 10, 30, issued('next'), store);
    assert.equal(await rotateRefresh('a-rt', T0 + 40, 30, issued('retry'), store), undefined);
    assert.equal(await revoked(store, 'retry-rt'), false);
    assert.equal(await revoked(store, 'next-rt'), false, 'the first successor stays valid');
  });

  test('a second exchange after the grace window is invalid_grant and revokes the whole grant only', async () => {
    const store = await withGrant();
    await rotateRefresh('a-rt', T0 + 10, 30, issued('next'), store);
    const error = await rotateRefresh('a-rt', T0 + 41, 30, issued('thief'), store);
    assert.equal(error?.code, 'invalid_grant');
    assert.equal(await store.grants.findToken('thief-rt'), undefined);
    for (const hash of ['a-at', 'a-rt', 'next-at', 'next-rt'])
      assert.equal(await revoked(store, hash), true, hash);
    assert.equal(await revoked(store, 'other-rt'), false);
  });

  test('without a grace window any second exchange revokes the grant', async () => {
    const store = await withGrant();
    await rotateRefresh('a-rt', T0 + 10, 0, issued('next'), store);
    assert.equal((await rotateRefresh('a-rt', T0 + 10, 0, issued('thief'), store))?.code, 'invalid_grant');
    assert.equal(await revoked(store, 'next-rt'), true);
  });

  test('a grace retry after the grant was revoked is refused and issues nothing', async () => {
    const store = await withGrant();
    await rotateRefresh('a-rt', T0 + 10, 30, issued('next'), store);
    await store.grants.revokeGrant('grant-1', T0 + 11);
    assert.equal((await rotateRefresh('a-rt', T0 + 12, 30, issued('retry'), store))?.code, 'invalid_grant');
    assert.equal(await store.grants.findToken('retry-rt'), undefined);
  });

  test('without rotation a refresh issues from the live grant and is refused once the token is revoked', async () => {
    const store = await withGrant();
    assert.equal(
      await refreshWithoutRotation('a-rt', 'grant-1', T0 + 1, issued('n1').slice(0, 1), store),
      undefined,
    );
    await store.grants.revokeToken('a-rt', T0 + 2);
    const error = await refreshWithoutRotation('a-rt', 'grant-1', T0 + 3, issued('n2').slice(0, 1), store);
    assert.equal(error?.code, 'invalid_grant');
    assert.equal(await store.grants.findToken('n2-at'), undefined);
  });
});
