// Failed-login throttling: refuses after too many failures per username and address, forgets after the window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginThrottle } from '../../../src/authn/throttle.ts';
import { FixedClock } from '../../../src/shared/clock.ts';

test('logins are refused after maxFailures failures, for that username and address only', () => {
  const clock = new FixedClock(1000);
  const throttle = new LoginThrottle(clock, { maxFailures: 3, windowSeconds: 60 });
  for (let i = 0; i < 2; i++) throttle.fail('Alice', '10.0.0.1');
  assert.equal(throttle.blockedFor('alice', '10.0.0.1'), 0, 'two failures are allowed');
  throttle.fail('alice', '10.0.0.1');
  assert.equal(throttle.blockedFor('ALICE', '10.0.0.1'), 60, 'usernames compare case-insensitively');
  assert.equal(throttle.blockedFor('alice', '10.0.0.2'), 0, 'another address is not blocked');
  assert.equal(throttle.blockedFor('bob', '10.0.0.1'), 0, 'another username is not blocked');
});

test('the block lifts when the window has passed', () => {
  const clock = new FixedClock(1000);
  const throttle = new LoginThrottle(clock, { maxFailures: 1, windowSeconds: 60 });
  throttle.fail('alice', 'a');
  assert.ok(throttle.blockedFor('alice', 'a') > 0);
  clock.advance(61);
  assert.equal(throttle.blockedFor('alice', 'a'), 0);
});

test('a successful login clears the failures', () => {
  const clock = new FixedClock(1000);
  const throttle = new LoginThrottle(clock, { maxFailures: 2, windowSeconds: 60 });
  throttle.fail('alice', 'a');
  throttle.succeed('alice', 'a');
  throttle.fail('alice', 'a');
  assert.equal(throttle.blockedFor('alice', 'a'), 0);
});
