// ThrottleStore contract: failed-login windows counted atomically, restarted when closed, cleared, purged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, type UseStore } from './fixtures.ts';

const WINDOW = 60;

export function throttleCases(use: UseStore): void {
  const throttle = () => use().throttle;

  test('a key with no failures has no window', async () => {
    assert.equal(await throttle().failures('k', T0), undefined);
  });

  test('failures count up inside one window that keeps its first expiry', async () => {
    await throttle().recordFailure('k', T0, WINDOW);
    await throttle().recordFailure('k', T0 + 10, WINDOW);
    await throttle().recordFailure('k', T0 + 20, WINDOW);
    assert.deepEqual(await throttle().failures('k', T0 + 20), { count: 3, expiresAt: T0 + WINDOW });
    assert.equal(await throttle().failures('other', T0 + 20), undefined, 'keys are counted apart');
  });

  test('concurrent failures are each counted', async () => {
    await Promise.all(Array.from({ length: 10 }, () => throttle().recordFailure('k', T0, WINDOW)));
    assert.equal((await throttle().failures('k', T0))?.count, 10);
  });

  test('a closed window is gone, and the next failure opens a new one at 1', async () => {
    await throttle().recordFailure('k', T0, WINDOW);
    await throttle().recordFailure('k', T0, WINDOW);
    assert.equal(await throttle().failures('k', T0 + WINDOW), undefined);
    await throttle().recordFailure('k', T0 + WINDOW, WINDOW);
    assert.deepEqual(await throttle().failures('k', T0 + WINDOW), { count: 1, expiresAt: T0 + 2 * WINDOW });
  });

  test('clear forgets the key', async () => {
    await throttle().recordFailure('k', T0, WINDOW);
    await throttle().clear('k');
    assert.equal(await throttle().failures('k', T0), undefined);
  });

  test('purgeExpired deletes closed windows and keeps open ones', async () => {
    await throttle().recordFailure('old', T0, WINDOW);
    await throttle().recordFailure('open', T0 + WINDOW, WINDOW);
    assert.equal(await use().maintenance.purgeExpired('node-a', T0 + WINDOW + 1, 100), 1);
    assert.ok(await throttle().failures('open', T0 + WINDOW + 1));
    // Recording into the purged key starts from nothing.
    await throttle().recordFailure('old', T0 + WINDOW + 1, WINDOW);
    assert.equal((await throttle().failures('old', T0 + WINDOW + 1))?.count, 1);
  });
}
