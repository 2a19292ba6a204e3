// TOTP rules (RFC 6238) with codes computed here from the enrolled key: confirm before it counts, one step
// of drift, a step used once, recovery codes spent once, the secret sealed at rest, guesses throttled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeAt, stepAt } from '../../../src/authn/totp/codes.ts';
import {
  confirmTotpEnrolment,
  hasTotp,
  regenerateRecoveryCodes,
  removeTotp,
  startTotpEnrolment,
  verifyTotp,
} from '../../../src/authn/totp/manage.ts';
import { authnHarness } from './helpers.ts';

const ACCOUNT = { id: 'acct-1', username: 'alice' };
const ADDRESS = '192.0.2.7';

async function enrolled() {
  const h = authnHarness();
  await h.store.accounts.create({
    id: ACCOUNT.id,
    username: ACCOUNT.username,
    passwordHash: 'x',
    claims: {},
    createdAt: 0,
  });
  const enrolment = await startTotpEnrolment(ACCOUNT, 'Example', h.deps);
  assert.ok(enrolment);
  const key = enrolment.key.replace(/ /g, '');
  const now = () => h.clock.nowSeconds();
  const code = (offset = 0) => codeAt(key, stepAt(now()) + offset);
  return { h, key, enrolment, code };
}

test('enrolment shows a QR code of an otpauth URI and the key; the stored secret is sealed, and it counts only once confirmed', async () => {
  const { h, key, enrolment, code } = await enrolled();
  assert.match(enrolment.uri, /^otpauth:\/\/totp\/Example:alice\?/);
  assert.match(enrolment.qrSvg, /^<svg/);
  const stored = await h.store.totp.find(ACCOUNT.id);
  assert.ok(stored && !stored.secretSealed.includes(key), 'not stored in the clear');
  assert.equal(await hasTotp(ACCOUNT.id, h.deps), false);
  assert.equal(
    (await verifyTotp(ACCOUNT.id, code(), ADDRESS, h.deps)).kind,
    'rejected',
    'pending: not usable yet',
  );
  const again = await startTotpEnrolment(ACCOUNT, 'Example', h.deps);
  assert.equal(again?.key, enrolment.key, 'a reloaded page resumes with the same key');
  h.clock.advance(30);
  const confirmed = await confirmTotpEnrolment(ACCOUNT.id, code(), ADDRESS, h.deps);
  assert.equal(confirmed.kind, 'ok');
  assert.equal(confirmed.kind === 'ok' && confirmed.recoveryCodes.length, 10);
  assert.equal(await hasTotp(ACCOUNT.id, h.deps), true);
  assert.equal(await startTotpEnrolment(ACCOUNT, 'Example', h.deps), undefined, 'no second enrolment');
});

test('a wrong code at confirmation is refused and nothing is confirmed', async () => {
  const { h, code } = await enrolled();
  const wrong = code() === '000000' ? '111111' : '000000';
  assert.equal((await confirmTotpEnrolment(ACCOUNT.id, wrong, ADDRESS, h.deps)).kind, 'rejected');
  assert.equal(await hasTotp(ACCOUNT.id, h.deps), false);
});

test('one step of drift either way is accepted, two are not; a step is used once; an earlier one never', async () => {
  const { h, code } = await enrolled();
  await confirmTotpEnrolment(ACCOUNT.id, code(), ADDRESS, h.deps);
  h.clock.advance(300);
  assert.equal((await verifyTotp(ACCOUNT.id, code(2), ADDRESS, h.deps)).kind, 'rejected');
  assert.equal((await verifyTotp(ACCOUNT.id, code(-2), ADDRESS, h.deps)).kind, 'rejected');
  assert.deepEqual(await verifyTotp(ACCOUNT.id, code(-1), ADDRESS, h.deps), { kind: 'ok', method: 'otp' });
  assert.equal((await verifyTotp(ACCOUNT.id, code(-1), ADDRESS, h.deps)).kind, 'rejected', 'same step again');
  assert.deepEqual(await verifyTotp(ACCOUNT.id, code(1), ADDRESS, h.deps), { kind: 'ok', method: 'otp' });
  assert.equal(
    (await verifyTotp(ACCOUNT.id, code(0), ADDRESS, h.deps)).kind,
    'rejected',
    'an earlier step after a later one',
  );
});

test('a recovery code works once, in any case and with or without its dash; regenerating replaces them all', async () => {
  const { h, code } = await enrolled();
  const confirmed = await confirmTotpEnrolment(ACCOUNT.id, code(), ADDRESS, h.deps);
  assert.ok(confirmed.kind === 'ok');
  const [first, second] = confirmed.recoveryCodes;
  assert.deepEqual(await verifyTotp(ACCOUNT.id, first!.toUpperCase().replace('-', ''), ADDRESS, h.deps), {
    kind: 'ok',
    method: 'recovery',
  });
  assert.equal((await verifyTotp(ACCOUNT.id, first!, ADDRESS, h.deps)).kind, 'rejected', 'spent');
  assert.equal(await h.store.totp.recoveryCodesLeft(ACCOUNT.id), 9);
  const fresh = await regenerateRecoveryCodes(ACCOUNT.id, h.deps);
  assert.equal(fresh?.length, 10);
  assert.equal((await verifyTotp(ACCOUNT.id, second!, ADDRESS, h.deps)).kind, 'rejected', 'old set gone');
  assert.equal((await verifyTotp(ACCOUNT.id, fresh![0]!, ADDRESS, h.deps)).kind, 'ok');
});

test('malformed input is refused like a wrong code', async () => {
  const { h, code } = await enrolled();
  await confirmTotpEnrolment(ACCOUNT.id, code(), ADDRESS, h.deps);
  for (const input of ['', '12345', '1234567', 'abcdef', '１２３４５６', 'x'.repeat(1000), '12 34 5'])
    assert.equal(
      (await verifyTotp(ACCOUNT.id, input, ADDRESS, h.deps)).kind,
      'rejected',
      JSON.stringify(input),
    );
});

test('after ten wrong guesses the account is throttled, even with the right code, and from another address', async () => {
  const { h, code } = await enrolled();
  await confirmTotpEnrolment(ACCOUNT.id, code(), ADDRESS, h.deps);
  h.clock.advance(30);
  for (let i = 0; i < 10; i++)
    await verifyTotp(ACCOUNT.id, '000000' === code() ? '111111' : '000000', ADDRESS, h.deps);
  assert.equal((await verifyTotp(ACCOUNT.id, code(), ADDRESS, h.deps)).kind, 'throttled');
  assert.equal((await verifyTotp(ACCOUNT.id, code(), '198.51.100.1', h.deps)).kind, 'throttled');
});

test('removing TOTP removes its recovery codes', async () => {
  const { h, code } = await enrolled();
  await confirmTotpEnrolment(ACCOUNT.id, code(), ADDRESS, h.deps);
  assert.equal(await removeTotp(ACCOUNT.id, h.deps), true);
  assert.equal(await hasTotp(ACCOUNT.id, h.deps), false);
  assert.equal(await h.store.totp.recoveryCodesLeft(ACCOUNT.id), 0);
});
