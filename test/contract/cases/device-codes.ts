// DeviceCodeStore contract (RFC 8628): a request is decided once while pending, polled with its previous poll
// time, slowed down by increments, and consumed once after approval; a user code names one stored request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceCodeRecord } from '../../../src/store/ports/index.ts';
import { T0, type UseStore } from './fixtures.ts';

const record = (overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord => ({
  hash: 'device-hash-1',
  userCodeHash: 'user-hash-1',
  clientId: 'tv',
  scope: 'openid profile',
  resource: null,
  expiresAt: T0 + 600,
  interval: 5,
  ...overrides,
});
const approve = {
  kind: 'approve',
  accountId: 'acc-1',
  authTime: T0 + 10,
  acr: 'urn:pwd',
  amr: 'pwd otp mfa',
} as const;

export function deviceCodeCases(use: UseStore): void {
  const codes = () => use().deviceCodes;

  test('findPending returns a created request with every field as stored, pending and never polled', async () => {
    assert.equal(await codes().create(record({ resource: 'https://api.example' })), true);
    assert.deepEqual(await codes().findPending('user-hash-1', T0 + 1), {
      ...record({ resource: 'https://api.example' }),
      status: 'pending',
      accountId: null,
      authTime: null,
      acr: null,
      amr: null,
      lastPolledAt: null,
    });
  });

  test('create with a user code hash already stored answers false and keeps the first request', async () => {
    await codes().create(record());
    assert.equal(await codes().create(record({ hash: 'device-hash-2', clientId: 'other' })), false);
    assert.equal((await codes().findPending('user-hash-1', T0 + 1))?.clientId, 'tv');
    assert.equal(await codes().poll('device-hash-2', T0 + 1), undefined);
  });

  test('findPending answers undefined for an unknown, an expired and a decided request', async () => {
    await codes().create(record());
    await codes().create(record({ hash: 'd2', userCodeHash: 'u2' }));
    await codes().decide('u2', T0 + 1, { kind: 'deny', accountId: 'acc-1' });
    assert.equal(await codes().findPending('nope', T0 + 1), undefined);
    assert.equal(await codes().findPending('user-hash-1', T0 + 600), undefined);
    assert.equal(await codes().findPending('u2', T0 + 2), undefined);
  });

  test('decide approves a pending request once; a second decision answers false and changes nothing', async () => {
    await codes().create(record());
    assert.equal(await codes().decide('user-hash-1', T0 + 10, approve), true);
    assert.equal(await codes().decide('user-hash-1', T0 + 11, { kind: 'deny', accountId: 'acc-2' }), false);
    const polled = await codes().poll('device-hash-1', T0 + 12);
    assert.equal(polled?.status, 'approved');
    assert.equal(polled?.accountId, 'acc-1');
    assert.equal(polled?.authTime, T0 + 10);
    assert.equal(polled?.acr, 'urn:pwd');
    assert.equal(polled?.amr, 'pwd otp mfa');
  });

  test('decide deny records the account and no auth time; an expired request cannot be decided', async () => {
    await codes().create(record());
    await codes().create(record({ hash: 'd2', userCodeHash: 'u2', expiresAt: T0 + 5 }));
    assert.equal(await codes().decide('user-hash-1', T0 + 1, { kind: 'deny', accountId: 'acc-1' }), true);
    assert.equal(await codes().decide('u2', T0 + 5, approve), false);
    const denied = await codes().poll('device-hash-1', T0 + 2);
    assert.deepEqual(
      [denied?.status, denied?.accountId, denied?.authTime, denied?.amr],
      ['denied', 'acc-1', null, null],
    );
    assert.equal((await codes().poll('d2', T0 + 6))?.status, 'pending');
  });

  test('poll returns the previous poll time and records the new one', async () => {
    await codes().create(record());
    assert.equal((await codes().poll('device-hash-1', T0 + 5))?.lastPolledAt, null);
    assert.equal((await codes().poll('device-hash-1', T0 + 9))?.lastPolledAt, T0 + 5);
    assert.equal((await codes().poll('device-hash-1', T0 + 20))?.lastPolledAt, T0 + 9);
    assert.equal(await codes().poll('unknown', T0 + 20), undefined);
  });

  test('slowDown adds to the interval each time and the new interval is what poll reads', async () => {
    await codes().create(record());
    assert.equal(await codes().slowDown('device-hash-1', 5), 10);
    assert.equal(await codes().slowDown('device-hash-1', 5), 15);
    assert.equal((await codes().poll('device-hash-1', T0 + 1))?.interval, 15);
  });

  test('consume succeeds once on an approved request: a second consume answers false', async () => {
    await codes().create(record());
    await codes().decide('user-hash-1', T0 + 10, approve);
    assert.equal(await codes().consume('device-hash-1', T0 + 11), true);
    assert.equal(await codes().consume('device-hash-1', T0 + 12), false);
    assert.equal((await codes().poll('device-hash-1', T0 + 13))?.status, 'consumed');
  });

  test('consume answers false for a pending, a denied and an expired approved request', async () => {
    await codes().create(record());
    await codes().create(record({ hash: 'd2', userCodeHash: 'u2' }));
    await codes().create(record({ hash: 'd3', userCodeHash: 'u3', expiresAt: T0 + 20 }));
    await codes().decide('u2', T0 + 1, { kind: 'deny', accountId: 'acc-1' });
    await codes().decide('u3', T0 + 1, approve);
    assert.equal(await codes().consume('device-hash-1', T0 + 2), false);
    assert.equal(await codes().consume('d2', T0 + 2), false);
    assert.equal(await codes().consume('d3', T0 + 20), false);
  });

  test('concurrent consumes of one approved request: exactly one wins', async () => {
    await codes().create(record());
    await codes().decide('user-hash-1', T0 + 10, approve);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => codes().consume('device-hash-1', T0 + 11)),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('purgeExpired removes expired device codes and keeps live ones', async () => {
    await codes().create(record({ hash: 'old', userCodeHash: 'u-old', expiresAt: T0 + 1 }));
    await codes().create(record());
    await use().maintenance.purgeExpired('node-a', T0 + 100, 1000);
    assert.equal(await codes().poll('old', T0 + 100), undefined);
    assert.ok(await codes().poll('device-hash-1', T0 + 100));
  });
}
