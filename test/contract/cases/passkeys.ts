// Contract for migration 014: passkeys (several per account, flags and counter kept, the counter only grows)
// and their challenges (taken once, never after expiry, expired ones dropped).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PasskeyChallenge, PasskeyCredential } from '../../../src/store/ports/index.ts';
import { account, T0, type UseStore } from './fixtures.ts';

const passkey = (overrides: Partial<PasskeyCredential> = {}): PasskeyCredential => ({
  id: 'cred-1',
  accountId: 'acct-johndoe',
  name: 'Work laptop',
  publicKey: 'pQECAyYgASFYIGk',
  counter: 5,
  transports: ['internal', 'hybrid'],
  backupEligible: true,
  backedUp: false,
  createdAt: T0,
  lastUsedAt: null,
  ...overrides,
});

const challenge = (overrides: Partial<PasskeyChallenge> = {}): PasskeyChallenge => ({
  handleHash: 'handle-hash-1',
  challenge: 'Y2hhbGxlbmdlLTE',
  purpose: 'step',
  accountId: 'acct-johndoe',
  expiresAt: T0 + 300,
  ...overrides,
});

export function passkeyCases(use: UseStore): void {
  const withAccounts = async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
  };

  test('create keeps every field; a second credential with the same ID is refused and changes nothing', async () => {
    await withAccounts();
    assert.equal(await use().passkeys.create(passkey()), true);
    assert.equal(await use().passkeys.create(passkey({ accountId: 'acct-other', name: 'Theirs' })), false);
    assert.deepEqual(await use().passkeys.find('cred-1'), passkey());
    assert.equal(await use().passkeys.find('no-such'), undefined);
  });

  test('listByAccount gives that account passkeys only, oldest first', async () => {
    await withAccounts();
    await use().passkeys.create(passkey({ id: 'b', createdAt: T0 + 10, transports: [] }));
    await use().passkeys.create(passkey({ id: 'a', createdAt: T0 + 20, backupEligible: false }));
    await use().passkeys.create(passkey({ id: 'c', accountId: 'acct-other' }));
    const listed = await use().passkeys.listByAccount('acct-johndoe');
    assert.deepEqual(
      listed.map((p) => [p.id, p.transports, p.backupEligible]),
      [
        ['b', [], true],
        ['a', ['internal', 'hybrid'], false],
      ],
    );
  });

  test('rename and remove act only on a passkey of the named account', async () => {
    await withAccounts();
    await use().passkeys.create(passkey());
    assert.equal(await use().passkeys.rename('acct-other', 'cred-1', 'Stolen'), false);
    assert.equal(await use().passkeys.rename('acct-johndoe', 'cred-1', 'Phone'), true);
    assert.equal((await use().passkeys.find('cred-1'))?.name, 'Phone');
    assert.equal(await use().passkeys.remove('acct-other', 'cred-1'), false);
    assert.equal(await use().passkeys.remove('acct-johndoe', 'cred-1'), true);
    assert.equal(await use().passkeys.remove('acct-johndoe', 'cred-1'), false);
    assert.deepEqual(await use().passkeys.listByAccount('acct-johndoe'), []);
  });

  test('recordUse needs a growing counter (0 stays 0), and keeps backedUp and lastUsedAt', async () => {
    await withAccounts();
    await use().passkeys.create(passkey());
    assert.equal(
      await use().passkeys.recordUse('cred-1', { counter: 5, backedUp: true, at: T0 + 1 }),
      'counter',
    );
    assert.equal(
      await use().passkeys.recordUse('cred-1', { counter: 4, backedUp: true, at: T0 + 1 }),
      'counter',
    );
    assert.equal((await use().passkeys.find('cred-1'))?.lastUsedAt, null, 'a refused use records nothing');
    assert.equal(
      await use().passkeys.recordUse('cred-1', { counter: 6, backedUp: true, at: T0 + 2 }),
      'recorded',
    );
    const used = await use().passkeys.find('cred-1');
    assert.deepEqual([used?.counter, used?.backedUp, used?.lastUsedAt], [6, true, T0 + 2]);
    await use().passkeys.create(passkey({ id: 'zero', counter: 0 }));
    assert.equal(
      await use().passkeys.recordUse('zero', { counter: 0, backedUp: false, at: T0 + 3 }),
      'recorded',
    );
    assert.equal(await use().passkeys.recordUse('gone', { counter: 9, backedUp: false, at: T0 }), 'unknown');
  });

  test('a challenge is taken once, never after it expires, and saving drops expired ones', async () => {
    await withAccounts();
    await use().passkeys.saveChallenge(challenge(), T0);
    await use().passkeys.saveChallenge(
      challenge({ handleHash: 'login', purpose: 'login', accountId: null }),
      T0,
    );
    assert.deepEqual(await use().passkeys.takeChallenge('handle-hash-1', T0 + 10), challenge());
    assert.equal(await use().passkeys.takeChallenge('handle-hash-1', T0 + 10), undefined, 'used once');
    await use().passkeys.saveChallenge(challenge({ handleHash: 'stale' }), T0);
    assert.equal(await use().passkeys.takeChallenge('stale', T0 + 300), undefined, 'expired');
    // Saved at T0 + 400: the login challenge (expired at T0 + 300) is dropped.
    await use().passkeys.saveChallenge(challenge({ handleHash: 'new', expiresAt: T0 + 700 }), T0 + 400);
    assert.equal(await use().passkeys.takeChallenge('login', T0), undefined, 'dropped when expired');
    assert.equal((await use().passkeys.takeChallenge('new', T0 + 401))?.handleHash, 'new');
  });

  test('two takes of one challenge at once: exactly one gets it', async () => {
    await withAccounts();
    await use().passkeys.saveChallenge(challenge(), T0);
    const both = await Promise.all([
      use().passkeys.takeChallenge('handle-hash-1', T0 + 1),
      use().passkeys.takeChallenge('handle-hash-1', T0 + 1),
    ]);
    assert.equal(both.filter((c) => c !== undefined).length, 1);
  });
}
