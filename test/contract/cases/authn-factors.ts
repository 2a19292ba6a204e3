// Contract for migration 010: sessions keep their factors and details, list by account and end one by one;
// codes and refresh tokens keep the login's amr; TOTP credentials and recovery codes are each used once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, code, seedTokens, session, T0, token, type UseStore } from './fixtures.ts';

export function authnFactorCases(use: UseStore): void {
  const withAccounts = async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
  };

  test('addFactor appends to a live session, keeping the first; false for an unknown or expired one', async () => {
    await withAccounts();
    await use().sessions.create(session({ expiresAt: T0 + 100 }));
    const otp = { authenticator: 'app-codes', amr: ['otp'], at: T0 + 5 };
    assert.equal(await use().sessions.addFactor('session-hash-1', otp, T0 + 5), true);
    assert.deepEqual((await use().sessions.find('session-hash-1', T0 + 6))?.factors, [
      ...session().factors,
      otp,
    ]);
    assert.equal(await use().sessions.addFactor('no-such-session', otp, T0), false);
    assert.equal(await use().sessions.addFactor('session-hash-1', otp, T0 + 100), false, 'expired');
  });

  test('two factors added at once both land', async () => {
    await withAccounts();
    await use().sessions.create(session());
    const a = { authenticator: 'a', amr: ['otp'], at: T0 };
    const b = { authenticator: 'b', amr: ['hwk'], at: T0 };
    await Promise.all([
      use().sessions.addFactor('session-hash-1', a, T0),
      use().sessions.addFactor('session-hash-1', b, T0),
    ]);
    const names = (await use().sessions.find('session-hash-1', T0))?.factors
      .map((f) => f.authenticator)
      .sort();
    assert.deepEqual(names, ['a', 'b', 'username-password']);
  });

  test('touch sets lastSeen; listByAccount gives live sessions of that account only, most recently seen first', async () => {
    await withAccounts();
    await use().sessions.create(session({ idHash: 's-old' }));
    await use().sessions.create(session({ idHash: 's-new' }));
    await use().sessions.create(session({ idHash: 's-expired', expiresAt: T0 + 1 }));
    await use().sessions.create(session({ idHash: 's-theirs', accountId: 'acct-other' }));
    await use().sessions.touch('s-new', T0 + 50);
    const listed = await use().sessions.listByAccount('acct-johndoe', T0 + 10);
    assert.deepEqual(
      listed.map((s) => [s.idHash, s.lastSeen]),
      [
        ['s-new', T0 + 50],
        ['s-old', T0],
      ],
    );
    assert.equal(listed[1]?.userAgent, 'Mozilla/5.0 (test)');
    assert.equal(listed[1]?.address, '192.0.2.1');
  });

  test('deleteForAccount ends only a session of that account', async () => {
    await withAccounts();
    await use().sessions.create(session({ idHash: 'mine' }));
    await use().sessions.create(session({ idHash: 'theirs', accountId: 'acct-other' }));
    assert.equal(await use().sessions.deleteForAccount('acct-johndoe', 'theirs'), false);
    assert.ok(await use().sessions.find('theirs', T0));
    assert.equal(await use().sessions.deleteForAccount('acct-johndoe', 'mine'), true);
    assert.equal(await use().sessions.find('mine', T0), undefined);
    assert.equal(await use().sessions.deleteForAccount('acct-johndoe', 'mine'), false);
  });

  test('a code and a refresh token keep the amr they were issued with', async () => {
    await withAccounts();
    await use().grants.saveCode(code({ amr: 'pwd otp mfa' }));
    assert.equal((await use().grants.findCode('code-hash-1'))?.amr, 'pwd otp mfa');
    await seedTokens(use().grants, [
      token({ kind: 'refresh_token', hash: 'rt-1', amr: 'pwd otp mfa', familyExpiresAt: T0 + 900 }),
    ]);
    assert.equal((await use().grants.findToken('rt-1'))?.amr, 'pwd otp mfa');
  });

  const credential = (overrides = {}) => ({
    accountId: 'acct-johndoe',
    secretSealed: 'sealed-1',
    confirmedAt: null,
    lastStep: 0,
    createdAt: T0,
    ...overrides,
  });

  test('TOTP: a pending credential is replaced, confirmed once, and then never replaced', async () => {
    await withAccounts();
    assert.equal(await use().totp.startEnrolment(credential()), true);
    assert.equal(await use().totp.startEnrolment(credential({ secretSealed: 'sealed-2' })), true);
    assert.equal((await use().totp.find('acct-johndoe'))?.secretSealed, 'sealed-2');
    assert.equal(await use().totp.confirm('acct-johndoe', 100, T0 + 1), true);
    assert.equal(await use().totp.confirm('acct-johndoe', 101, T0 + 2), false, 'confirmed once');
    assert.equal(await use().totp.startEnrolment(credential({ secretSealed: 'sealed-3' })), false);
    assert.deepEqual(
      await use().totp.find('acct-johndoe'),
      credential({ secretSealed: 'sealed-2', confirmedAt: T0 + 1, lastStep: 100 }),
    );
  });

  test('TOTP: a step is used once and never an earlier one; a pending credential accepts none', async () => {
    await withAccounts();
    await use().totp.startEnrolment(credential());
    assert.equal(await use().totp.useStep('acct-johndoe', 5), false, 'not confirmed yet');
    await use().totp.confirm('acct-johndoe', 100, T0);
    assert.equal(await use().totp.useStep('acct-johndoe', 100), false, 'the confirming step');
    assert.equal(await use().totp.useStep('acct-johndoe', 101), true);
    const twice = await Promise.all([
      use().totp.useStep('acct-johndoe', 102),
      use().totp.useStep('acct-johndoe', 102),
    ]);
    assert.deepEqual(twice.sort(), [false, true], 'one of two concurrent uses of a step wins');
    assert.equal(await use().totp.useStep('acct-johndoe', 101), false, 'an earlier step');
  });

  test('recovery codes: each spent once, replaced as a set, removed with the credential', async () => {
    await withAccounts();
    await use().totp.startEnrolment(credential());
    await use().totp.confirm('acct-johndoe', 1, T0);
    await use().totp.replaceRecoveryCodes('acct-johndoe', ['h1', 'h2', 'h3'], T0);
    await use().totp.replaceRecoveryCodes('acct-other', ['h1'], T0);
    assert.equal(await use().totp.recoveryCodesLeft('acct-johndoe'), 3);
    assert.equal(await use().totp.useRecoveryCode('acct-johndoe', 'h2', T0), true);
    assert.equal(await use().totp.useRecoveryCode('acct-johndoe', 'h2', T0), false, 'spent');
    assert.equal(await use().totp.useRecoveryCode('acct-johndoe', 'nope', T0), false);
    assert.equal(await use().totp.recoveryCodesLeft('acct-johndoe'), 2);
    assert.equal(await use().totp.recoveryCodesLeft('acct-other'), 1, 'another account is untouched');
    await use().totp.replaceRecoveryCodes('acct-johndoe', ['h4'], T0);
    assert.equal(await use().totp.useRecoveryCode('acct-johndoe', 'h1', T0), false, 'old set gone');
    assert.equal(await use().totp.remove('acct-johndoe'), true);
    assert.equal(await use().totp.find('acct-johndoe'), undefined);
    assert.equal(await use().totp.recoveryCodesLeft('acct-johndoe'), 0);
    assert.equal(await use().totp.remove('acct-johndoe'), false);
  });
}
