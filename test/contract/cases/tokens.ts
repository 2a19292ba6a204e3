// GrantStore contract, tokens: stored by hash, revoked one by one or per grant, refresh tokens rotated once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RotateResult } from '../../../src/store/ports/index.ts';
import { issued } from './codes.ts';
import { T0, type UseStore } from './fixtures.ts';

export function tokenCases(use: UseStore): void {
  const grants = () => use().grants;
  const revoked = async (hash: string) => (await grants().findToken(hash))?.revoked;

  test('findToken returns tokens saved with saveTokens with every field as given, unrevoked and unrotated', async () => {
    await grants().saveTokens(issued('saved'));
    for (const record of issued('saved')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('findToken returns undefined for an unknown hash', async () => {
    await grants().saveTokens(issued('saved'));
    assert.equal(await grants().findToken('saved-xx'), undefined);
  });

  test('saveTokens with an empty list succeeds and stores nothing', async () => {
    await grants().saveTokens([]);
    assert.equal(await grants().findToken('token-hash-1'), undefined);
  });

  test('revokeGrant revokes every token of that grant and none of another grant', async () => {
    await grants().saveTokens([...issued('a', 'grant-a'), ...issued('b', 'grant-b')]);
    await grants().revokeGrant('grant-a', T0 + 5);
    assert.deepEqual(
      [await revoked('a-at'), await revoked('a-rt'), await revoked('b-at'), await revoked('b-rt')],
      [true, true, false, false],
    );
  });

  test('revokeGrant of a grant without tokens succeeds and revokes nothing', async () => {
    await grants().saveTokens(issued('a', 'grant-a'));
    await grants().revokeGrant('grant-none', T0 + 5);
    assert.equal(await revoked('a-at'), false);
  });

  test('revokeClientTokens revokes every token of that account for that client, and no other', async () => {
    await grants().saveTokens([
      ...issued('mine', 'grant-a'),
      ...issued('mine-again', 'grant-b'),
      ...issued('other-client', 'grant-c').map((t) => ({ ...t, clientId: 'client-2' })),
      ...issued('other-user', 'grant-d').map((t) => ({ ...t, accountId: 'acct-jane' })),
    ]);
    await grants().revokeClientTokens('acct-johndoe', 'client-1', T0 + 5);
    for (const hash of ['mine-at', 'mine-rt', 'mine-again-at', 'mine-again-rt'])
      assert.equal(await revoked(hash), true, hash);
    for (const hash of ['other-client-at', 'other-user-rt']) assert.equal(await revoked(hash), false, hash);
  });

  test('revokeToken revokes that token only and answers true', async () => {
    await grants().saveTokens(issued('a'));
    assert.equal(await grants().revokeToken('a-rt', T0 + 5), true);
    assert.equal(await revoked('a-rt'), true);
    assert.equal(await revoked('a-at'), false, 'the rest of the grant stays');
  });

  test('revokeToken of a token already revoked still answers true and keeps it revoked', async () => {
    await grants().saveTokens(issued('a'));
    await grants().revokeToken('a-at', T0 + 5);
    assert.equal(await grants().revokeToken('a-at', T0 + 6), true);
    assert.equal(await revoked('a-at'), true);
  });

  test('revokeToken of an unknown token answers false', async () => {
    await grants().saveTokens(issued('a'));
    assert.equal(await grants().revokeToken('nope', T0 + 5), false);
  });

  const rotate = (hash: string, now: number, grace: number, prefix: string) =>
    grants().rotateRefreshToken(hash, now, grace, issued(prefix));

  test('rotateRefreshToken on a fresh token answers rotated, marks it rotated at now and stores the successors', async () => {
    await grants().saveTokens(issued('a'));
    assert.deepEqual(await rotate('a-rt', T0 + 10, 0, 'next'), { status: 'rotated' });
    const old = await grants().findToken('a-rt');
    assert.equal(old?.rotatedAt, T0 + 10);
    assert.equal(old?.revoked, false, 'rotation alone does not revoke');
    for (const record of issued('next')) {
      assert.deepEqual(await grants().findToken(record.hash), { ...record, revoked: false, rotatedAt: null });
    }
  });

  test('rotateRefreshToken again within the grace period answers grace and stores the new successors', async () => {
    await grants().saveTokens(issued('a'));
    await rotate('a-rt', T0 + 10, 30, 'next');
    assert.deepEqual(await rotate('a-rt', T0 + 40, 30, 'twin'), { status: 'grace' });
    assert.equal(await revoked('twin-rt'), false);
    assert.equal(await revoked('next-rt'), false);
  });

  test('rotateRefreshToken after the grace period answers reused, stores nothing and revokes the whole grant', async () => {
    await grants().saveTokens([...issued('a'), ...issued('other', 'grant-2')]);
    await rotate('a-rt', T0 + 10, 30, 'next');
    assert.deepEqual(await rotate('a-rt', T0 + 41, 30, 'thief'), { status: 'reused' });
    assert.equal(await grants().findToken('thief-rt'), undefined);
    for (const hash of ['a-at', 'a-rt', 'next-at', 'next-rt']) assert.equal(await revoked(hash), true, hash);
    assert.equal(await revoked('other-rt'), false, 'another grant is untouched');
  });

  test('rotateRefreshToken with no grace answers reused for any later second', async () => {
    await grants().saveTokens(issued('a'));
    await rotate('a-rt', T0 + 10, 0, 'next');
    assert.deepEqual(await rotate('a-rt', T0 + 11, 0, 'thief'), { status: 'reused' });
  });

  test('the grace period runs from the first rotation, not from the last use within it', async () => {
    await grants().saveTokens(issued('a'));
    await rotate('a-rt', T0 + 10, 10, 'first');
    await rotate('a-rt', T0 + 15, 10, 'second');
    assert.deepEqual(await rotate('a-rt', T0 + 21, 10, 'third'), { status: 'reused' });
  });

  test('rotateRefreshToken of an unknown token answers missing and stores nothing', async () => {
    await grants().saveTokens(issued('a'));
    assert.deepEqual(await rotate('nope', T0 + 10, 0, 'next'), { status: 'missing' });
    assert.equal(await grants().findToken('next-rt'), undefined);
  });

  test('rotateRefreshToken with 20 concurrent calls on one token rotates exactly once', async () => {
    await grants().saveTokens(issued('a'));
    const results: RotateResult[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rotate('a-rt', T0 + 10, 0, `call${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 'rotated').length, 1, JSON.stringify(results));
    assert.ok(results.every((r) => r.status !== 'missing'));
  });
}
