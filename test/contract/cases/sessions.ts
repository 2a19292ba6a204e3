// SessionStore contract: a session is found by its hash until it expires, and is gone once deleted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, session, T0, type UseStore } from './fixtures.ts';

export function sessionCases(use: UseStore): void {
  // Engines may tie sessions to accounts, so every case logs in an account that exists.
  const withAccount = () => use().accounts.create(account());

  test('find returns a created session with every field as given', async () => {
    await withAccount();
    await use().sessions.create(session());
    assert.deepEqual(await use().sessions.find('session-hash-1', T0), session());
  });

  test('find returns the session up to the second before expiresAt', async () => {
    await withAccount();
    await use().sessions.create(session({ expiresAt: T0 + 100 }));
    assert.ok(await use().sessions.find('session-hash-1', T0 + 99));
  });

  test('find does not return a session at or after expiresAt', async () => {
    await withAccount();
    await use().sessions.create(session({ expiresAt: T0 + 100 }));
    assert.equal(await use().sessions.find('session-hash-1', T0 + 100), undefined);
    assert.equal(await use().sessions.find('session-hash-1', T0 + 5000), undefined);
  });

  test('find returns undefined for an unknown hash', async () => {
    await withAccount();
    await use().sessions.create(session());
    assert.equal(await use().sessions.find('session-hash-2', T0), undefined);
  });

  test('delete removes the session and leaves the others', async () => {
    await withAccount();
    await use().sessions.create(session());
    await use().sessions.create(session({ idHash: 'session-hash-2' }));
    await use().sessions.delete('session-hash-1');
    assert.equal(await use().sessions.find('session-hash-1', T0), undefined);
    assert.ok(await use().sessions.find('session-hash-2', T0));
  });

  test('delete of an unknown session succeeds and changes nothing', async () => {
    await withAccount();
    await use().sessions.create(session());
    await use().sessions.delete('no-such-session');
    assert.ok(await use().sessions.find('session-hash-1', T0));
  });
}
