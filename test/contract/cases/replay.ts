// ReplayStore contract: a key is recorded once until it expires (RFC 7523 §3 and RFC 9449 §11.1 jti reuse).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, type UseStore } from './fixtures.ts';

const LIFETIME = 60;

export function replayCases(use: UseStore): void {
  const replay = () => use().replay;

  test('recordOnce answers true the first time a key is recorded', async () => {
    assert.equal(await replay().recordOnce('jti-1', T0 + LIFETIME, T0), true);
  });

  test('recordOnce answers false for a key recorded before, up to the second before its expiry', async () => {
    await replay().recordOnce('jti-1', T0 + LIFETIME, T0);
    assert.equal(await replay().recordOnce('jti-1', T0 + LIFETIME, T0), false, 'at once');
    assert.equal(await replay().recordOnce('jti-1', T0 + 2 * LIFETIME, T0 + LIFETIME - 1), false, 'later');
  });

  test('recordOnce keeps keys apart: recording one does not spend another', async () => {
    await replay().recordOnce('jti-1', T0 + LIFETIME, T0);
    assert.equal(await replay().recordOnce('jti-2', T0 + LIFETIME, T0), true);
    assert.equal(await replay().recordOnce('JTI-1', T0 + LIFETIME, T0), true, 'keys are case-sensitive');
  });

  test('recordOnce at or after the expiry records the key afresh, with the new expiry', async () => {
    await replay().recordOnce('jti-1', T0 + LIFETIME, T0);
    assert.equal(await replay().recordOnce('jti-1', T0 + 2 * LIFETIME, T0 + LIFETIME), true, 'expired');
    assert.equal(
      await replay().recordOnce('jti-1', T0 + 3 * LIFETIME, T0 + 2 * LIFETIME - 1),
      false,
      'the renewed record holds until its own expiry',
    );
  });

  test('a refused recordOnce does not extend the recorded expiry', async () => {
    await replay().recordOnce('jti-1', T0 + LIFETIME, T0);
    assert.equal(await replay().recordOnce('jti-1', T0 + 10 * LIFETIME, T0 + 1), false);
    assert.equal(await replay().recordOnce('jti-1', T0 + 2 * LIFETIME, T0 + LIFETIME), true);
  });
}
