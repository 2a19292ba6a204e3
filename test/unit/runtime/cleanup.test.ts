// runtime/cleanup.ts: expired rows are purged in bounded batches under the lease, on a timer that can be stopped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { purgeExpired, startCleanup } from '../../../src/runtime/cleanup.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import type { MaintenanceStore } from '../../../src/store/ports/maintenance.ts';

/** A maintenance port answering the given batch results in turn, recording each call. */
function fakeMaintenance(answers: (number | null | Error)[], repeatLast = false) {
  const calls: { holder: string; now: number; batch: number }[] = [];
  const port: MaintenanceStore = {
    async purgeExpired(holder, now, batch) {
      calls.push({ holder, now, batch });
      const answer =
        calls.length <= answers.length || !repeatLast ? answers[calls.length - 1] : answers.at(-1);
      if (answer instanceof Error) throw answer;
      return answer ?? 0;
    },
    async readiness() {
      return { database: { ok: true }, schema: { ok: true, version: null, nodeVersion: null } };
    },
  };
  return { port, calls };
}

/** Waits until `ready()` holds (timers run late on a busy machine), failing after two seconds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !ready(); waited += 5) {
    if (waited > 2000) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('purgeExpired repeats full batches until a short one and returns the total, asking at the clock time', async () => {
  const { port, calls } = fakeMaintenance([200, 200, 3]);
  assert.equal(await purgeExpired(port, 'node-a', new FixedClock(5000)), 403);
  assert.equal(calls.length, 3);
  assert.deepEqual(calls[0], { holder: 'node-a', now: 5000, batch: 200 });
});

test('purgeExpired stops at once on a node without the cleanup lease', async () => {
  const { port, calls } = fakeMaintenance([null]);
  assert.equal(await purgeExpired(port, 'node-b', new FixedClock(1)), 0);
  assert.equal(calls.length, 1);
});

test('purgeExpired works off a backlog in at most 250 batches per run', async () => {
  const { port, calls } = fakeMaintenance([200], true);
  assert.equal(await purgeExpired(port, 'node-a', new FixedClock(1)), 50_000);
  assert.equal(calls.length, 250);
});

test('purgeExpired lets the event loop run between batches, so requests are served during a backlog', async () => {
  const order: string[] = [];
  const { port } = fakeMaintenance([200, 200, 0]);
  const batches = port.purgeExpired.bind(port);
  port.purgeExpired = async (...args) => {
    order.push('batch');
    return batches(...args);
  };
  // An I/O callback due before the cleanup starts: it must run before the second batch, not after the last.
  setImmediate(() => order.push('request'));
  await purgeExpired(port, 'node-a', new FixedClock(1));
  assert.deepEqual(order.slice(0, 3), ['batch', 'request', 'batch']);
});

test('the cleanup timer logs a failed run as a warning, keeps running, and stops when told', async () => {
  const { port, calls } = fakeMaintenance([new Error('database gone'), 0, 0, 0, 0, 0, 0, 0], true);
  const warnings: string[] = [];
  const log = {
    error: () => assert.fail('cleanup logs warnings'),
    warn: (_: unknown, m: string) => warnings.push(m),
  };
  const stop = startCleanup({
    maintenance: port,
    holder: 'node-a',
    clock: new FixedClock(1),
    log,
    intervalMs: 5,
  });
  await until(() => calls.length >= 2, 'a second run');
  stop();
  const seen = calls.length;
  assert.ok(seen >= 2, `ran more than once (${seen})`);
  assert.deepEqual(warnings, ['cleanup failed']);
  await sleep(30);
  assert.equal(calls.length, seen, 'no run after stop');
});
