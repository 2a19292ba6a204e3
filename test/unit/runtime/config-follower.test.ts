// runtime/config-follower.ts: a node recompiles when the committed revision changes, by poll or push, and reloads keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveConfig } from '../../../src/config/live.ts';
import { createConfigFollower } from '../../../src/runtime/config-follower.ts';
import type { ConfigStore } from '../../../src/store/ports/config.ts';

const liveAt = (revision: number) => ({ revision }) as LiveConfig;

/** A config store whose current id the test sets; `watch` is offered when `push` is true. */
function fakeStore(push: boolean) {
  const state = { id: 1 as number | null, onChange: undefined as (() => void) | undefined, unwatched: false };
  const store: ConfigStore = {
    current: async () => undefined,
    currentId: async () => state.id,
    commit: async () => assert.fail('the follower never commits'),
    list: async () => [],
    get: async () => undefined,
    ...(push
      ? {
          watch: async (onChange: () => void) => {
            state.onChange = onChange;
            return async () => {
              state.unwatched = true;
            };
          },
        }
      : {}),
  };
  return { store, state };
}

/** Waits until `ready()` holds (timers run late on a busy machine), failing after two seconds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !ready(); waited += 5) {
    if (waited > 2000) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const quietLog = { error: () => {}, warn: () => {} };

test('refresh recompiles only when the revision id differs, and reloads the keys every time', async () => {
  const { store, state } = fakeStore(false);
  let compiles = 0;
  let keyReloads = 0;
  const follower = createConfigFollower({
    store,
    initial: liveAt(1),
    compile: async () => liveAt(++compiles + 1),
    reloadKeys: async () => {
      keyReloads++;
    },
  });
  await follower.refresh();
  assert.equal(compiles, 0, 'same revision: no recompile');
  assert.equal(keyReloads, 1);
  state.id = 2;
  await follower.refresh();
  assert.equal(compiles, 1);
  assert.equal(follower.live().revision, 2);
  assert.equal(keyReloads, 2);
});

test('the poller picks up a commit made elsewhere, logs a failed refresh, and stops when told', async () => {
  const { store, state } = fakeStore(false);
  const errors: string[] = [];
  let fail = true;
  const follower = createConfigFollower({
    store,
    initial: liveAt(1),
    compile: async () => {
      if (fail) throw new Error('bad revision');
      return liveAt(3);
    },
    intervalMs: 5,
  });
  await follower.start({ ...quietLog, error: (_: unknown, message: string) => errors.push(message) });
  state.id = 3;
  await until(() => errors.length > 0, 'a failed refresh');
  assert.ok(errors.length > 0 && errors.every((m) => m === 'config refresh failed'), errors.join());
  fail = false;
  await until(() => follower.live().revision === 3, 'revision 3 live');
  await follower.stop();
  state.id = 4;
  fail = true;
  const logged = errors.length;
  await sleep(30);
  assert.equal(errors.length, logged, 'no refresh after stop');
});

test('a pushed commit (PostgreSQL LISTEN/NOTIFY) is compiled without waiting for the poller; stop ends the watch', async () => {
  const { store, state } = fakeStore(true);
  const follower = createConfigFollower({
    store,
    initial: liveAt(1),
    compile: async () => liveAt(7),
    intervalMs: 60_000,
  });
  await follower.start(quietLog);
  state.id = 7;
  state.onChange?.();
  await until(() => follower.live().revision === 7, 'revision 7 live');
  await follower.stop();
  assert.equal(state.unwatched, true);
});
