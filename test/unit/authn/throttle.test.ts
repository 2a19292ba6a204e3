// Failed-login throttling: refuses after too many failures per username and address, forgets after the window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginThrottle } from '../../../src/authn/throttle.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

const setup = (maxFailures: number) => {
  const clock = new FixedClock(1000);
  const store = createMemoryStore();
  const throttle = new LoginThrottle(clock, store.throttle, 'login', { maxFailures, windowSeconds: 60 });
  return { clock, store, throttle };
};

test('logins are refused after maxFailures failures, for that username and address only', async () => {
  const { throttle } = setup(3);
  for (let i = 0; i < 2; i++) await throttle.fail('Alice', '10.0.0.1');
  assert.equal(await throttle.blockedFor('alice', '10.0.0.1'), 0, 'two failures are allowed');
  await throttle.fail('alice', '10.0.0.1');
  assert.equal(await throttle.blockedFor('ALICE', '10.0.0.1'), 60, 'usernames compare case-insensitively');
  assert.equal(await throttle.blockedFor('alice', '10.0.0.2'), 0, 'another address is not blocked');
  assert.equal(await throttle.blockedFor('bob', '10.0.0.1'), 0, 'another username is not blocked');
});

test('the block lifts when the window has passed', async () => {
  const { clock, throttle } = setup(1);
  await throttle.fail('alice', 'a');
  assert.ok((await throttle.blockedFor('alice', 'a')) > 0);
  clock.advance(61);
  assert.equal(await throttle.blockedFor('alice', 'a'), 0);
});

test('a successful login clears the failures', async () => {
  const { throttle } = setup(2);
  await throttle.fail('alice', 'a');
  await throttle.succeed('alice', 'a');
  await throttle.fail('alice', 'a');
  assert.equal(await throttle.blockedFor('alice', 'a'), 0);
});

test('two throttles on one store share the count (two workers), and scopes keep their counts apart', async () => {
  const { clock, store, throttle } = setup(2);
  const otherWorker = new LoginThrottle(clock, store.throttle, 'login', {
    maxFailures: 2,
    windowSeconds: 60,
  });
  const admin = new LoginThrottle(clock, store.throttle, 'admin', { maxFailures: 2, windowSeconds: 60 });
  await throttle.fail('alice', 'a');
  await otherWorker.fail('alice', 'a');
  assert.equal(await throttle.blockedFor('alice', 'a'), 60);
  assert.equal(await admin.blockedFor('alice', 'a'), 0);
});
