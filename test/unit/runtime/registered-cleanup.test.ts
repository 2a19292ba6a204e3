// The cleanup loop's part for registered clients: unused past the lifetime are removed and forgotten; 0 keeps them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { purgeUnusedClients } from '../../../src/runtime/registered-cleanup.ts';
import { FixedClock } from '../../../src/shared/clock.ts';

const clock = new FixedClock(1_700_000_000);

test('clients unused since now minus the lifetime are deleted, and each is dropped from the resolver cache', async () => {
  const cutoffs: number[] = [];
  const forgotten: string[] = [];
  const removed = await purgeUnusedClients(
    {
      store: {
        async deleteUnused(before) {
          cutoffs.push(before);
          return ['a', 'b'];
        },
      },
      unusedLifetime: 3_600,
      forget: (id) => forgotten.push(id),
    },
    clock,
  );
  assert.deepEqual(cutoffs, [1_700_000_000 - 3_600]);
  assert.deepEqual(removed, ['a', 'b']);
  assert.deepEqual(forgotten, ['a', 'b']);
});

test('a lifetime of 0 keeps every registered client and never asks the store', async () => {
  let asked = false;
  const removed = await purgeUnusedClients(
    {
      store: {
        async deleteUnused() {
          asked = true;
          return ['x'];
        },
      },
      unusedLifetime: 0,
      forget: () => {},
    },
    clock,
  );
  assert.deepEqual(removed, []);
  assert.equal(asked, false);
});
