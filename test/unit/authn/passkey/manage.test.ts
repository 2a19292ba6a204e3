// Passkey use cases over the memory store with a software authenticator: enrolment, passwordless and
// second-factor assertions, the amr rule, and every forged, replayed or stale answer refused with nothing stored.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  finishPasskeyAssertion,
  finishPasskeyEnrolment,
  listPasskeys,
  PASSKEY_ERRORS,
  removePasskey,
  renamePasskey,
  startPasskeyAssertion,
  startPasskeyEnrolment,
} from '../../../../src/authn/passkey/manage.ts';
import type { Account } from '../../../../src/store/ports/index.ts';
import { type Ceremony, SoftAuthenticator } from '../../../fixtures/soft-authenticator.ts';
import { type AuthnHarness, authnHarness, NOW } from '../helpers.ts';

const ORIGIN = 'http://localhost:8443';
let h: AuthnHarness;
let alice: Account;
let bob: Account;
let device: SoftAuthenticator;

beforeEach(async () => {
  h = authnHarness();
  alice = await h.store.accounts.create({
    id: 'acct-alice',
    username: 'alice',
    passwordHash: 'x',
    claims: {},
    createdAt: NOW,
  });
  bob = await h.store.accounts.create({
    id: 'acct-bob',
    username: 'bob',
    passwordHash: 'x',
    claims: {},
    createdAt: NOW,
  });
  device = new SoftAuthenticator(ORIGIN, 'localhost');
});

async function enrol(account = alice, ceremony: Ceremony = {}, on = device, name = 'Laptop') {
  const started = await startPasskeyEnrolment(account, 'required', h.deps);
  const response = JSON.stringify(on.create(started.options, ceremony));
  return finishPasskeyEnrolment(
    { accountId: account.id, response, name, handle: started.handle, userVerification: 'required' },
    h.deps,
  );
}

async function assertion(accountId: string | null, ceremony: Ceremony & { raw?: string } = {}) {
  const started = await startPasskeyAssertion(accountId, 'required', h.deps);
  const response = ceremony.raw ?? JSON.stringify(device.get(started.options, ceremony));
  return finishPasskeyAssertion(
    { accountId, response, handle: started.handle, userVerification: 'required' },
    h.deps,
  );
}

describe('enrolment', () => {
  test('stores the passkey with its name, transports, counter and flags, and records factor.enrolled', async () => {
    const result = await enrol();
    assert.equal(result.kind, 'ok');
    const [stored] = await listPasskeys(alice.id, h.deps);
    assert.equal(stored?.name, 'Laptop');
    assert.deepEqual(stored?.transports, ['internal']);
    assert.equal(stored?.backupEligible, false);
    assert.equal(stored?.lastUsedAt, null);
    const events = await h.store.audit.list({ limit: 10 });
    assert.ok(events.some((e) => e.type === 'factor.enrolled' && e.accountId === alice.id));
  });

  test('options are discoverable (residentKey required) and exclude the account passkeys', async () => {
    await enrol();
    const { options } = await startPasskeyEnrolment(alice, 'required', h.deps);
    assert.equal(options.authenticatorSelection?.residentKey, 'required');
    assert.equal(options.authenticatorSelection?.userVerification, 'required');
    assert.equal(options.rp.id, 'localhost');
    assert.deepEqual(
      options.excludeCredentials?.map((c) => c.id),
      [device.passkeys[0]!.id],
    );
  });

  test('a wrong origin, a wrong RP ID, or no user verification when required: refused, nothing stored', async () => {
    for (const ceremony of [
      { origin: 'http://evil.example' },
      { rpId: 'evil.example' },
      { userVerified: false },
    ]) {
      const result = await enrol(alice, ceremony);
      assert.deepEqual(result, { kind: 'rejected', error: PASSKEY_ERRORS.invalid }, JSON.stringify(ceremony));
    }
    assert.deepEqual(await listPasskeys(alice.id, h.deps), []);
  });

  test('the challenge is used once: the same answer posted again is refused as expired', async () => {
    const started = await startPasskeyEnrolment(alice, 'required', h.deps);
    const response = JSON.stringify(device.create(started.options));
    const input = {
      accountId: alice.id,
      response,
      name: 'A',
      handle: started.handle,
      userVerification: 'required' as const,
    };
    assert.equal((await finishPasskeyEnrolment(input, h.deps)).kind, 'ok');
    assert.deepEqual(await finishPasskeyEnrolment(input, h.deps), {
      kind: 'rejected',
      error: PASSKEY_ERRORS.expired,
    });
  });

  test('a challenge issued to another account, or past its lifetime, is refused', async () => {
    const started = await startPasskeyEnrolment(bob, 'required', h.deps);
    const response = JSON.stringify(device.create(started.options));
    const theirs = await finishPasskeyEnrolment(
      { accountId: alice.id, response, name: 'A', handle: started.handle, userVerification: 'required' },
      h.deps,
    );
    assert.equal(theirs.kind, 'rejected');
    const late = await startPasskeyEnrolment(alice, 'required', h.deps);
    h.clock.advance(301);
    const stale = await finishPasskeyEnrolment(
      {
        accountId: alice.id,
        response: JSON.stringify(device.create(late.options)),
        name: 'A',
        handle: late.handle,
        userVerification: 'required',
      },
      h.deps,
    );
    assert.deepEqual(stale, { kind: 'rejected', error: PASSKEY_ERRORS.expired });
    assert.deepEqual(await listPasskeys(alice.id, h.deps), []);
  });

  test('malformed JSON and a bad name are refused, nothing stored', async () => {
    for (const response of [
      '',
      'not json',
      '[]',
      '{"id":"a"}',
      'null',
      `{"id":"x","rawId":"x","type":"public-key","response":{}}`,
    ]) {
      const started = await startPasskeyEnrolment(alice, 'required', h.deps);
      const result = await finishPasskeyEnrolment(
        { accountId: alice.id, response, name: 'A', handle: started.handle, userVerification: 'required' },
        h.deps,
      );
      assert.equal(result.kind, 'rejected', response);
    }
    assert.equal((await enrol(alice, {}, device, 'x'.repeat(65))).kind, 'rejected');
    assert.deepEqual(await listPasskeys(alice.id, h.deps), []);
  });
});

describe('assertion', () => {
  test('passwordless: finds the account by the credential; amr hwk, user, mfa for a device-bound UV passkey', async () => {
    await enrol();
    const result = await assertion(null);
    assert.equal(result.kind, 'ok');
    if (result.kind !== 'ok') return;
    assert.equal(result.account.id, alice.id);
    assert.deepEqual(result.amr, ['hwk', 'user', 'mfa']);
    const [stored] = await listPasskeys(alice.id, h.deps);
    assert.equal(stored?.counter, 1);
    assert.equal(stored?.lastUsedAt, NOW);
  });

  test('a synced (backup-eligible) passkey gives swk', async () => {
    device = new SoftAuthenticator(ORIGIN, 'localhost', true);
    await enrol();
    const result = await assertion(null);
    assert.deepEqual(result.kind === 'ok' && result.amr, ['swk', 'user', 'mfa']);
  });

  test('second factor: allowCredentials lists the account passkeys; another account passkey is refused', async () => {
    await enrol(alice);
    const { options } = await startPasskeyAssertion(alice.id, 'required', h.deps);
    assert.deepEqual(
      options.allowCredentials?.map((c) => c.id),
      [device.passkeys[0]!.id],
    );
    await enrol(bob);
    assert.equal((await assertion(bob.id)).kind, 'rejected', "alice's passkey for bob");
    assert.equal((await assertion(alice.id)).kind, 'ok');
  });

  test('a replayed answer, a wrong origin or RP ID, a stale counter, no UV, a forged signature: refused, counter kept', async () => {
    await enrol();
    const started = await startPasskeyAssertion(null, 'required', h.deps);
    const response = JSON.stringify(device.get(started.options));
    const input = {
      accountId: null,
      response,
      handle: started.handle,
      userVerification: 'required' as const,
    };
    assert.equal((await finishPasskeyAssertion(input, h.deps)).kind, 'ok');
    assert.deepEqual(await finishPasskeyAssertion(input, h.deps), {
      kind: 'rejected',
      error: PASSKEY_ERRORS.expired,
    });
    for (const ceremony of [
      { origin: 'http://evil.example' },
      { rpId: 'evil.example' },
      { counter: 1 },
      { userVerified: false },
    ])
      assert.equal((await assertion(null, ceremony)).kind, 'rejected', JSON.stringify(ceremony));
    const forged = device.get((await startPasskeyAssertion(null, 'required', h.deps)).options);
    forged.response.signature = Buffer.from('forged').toString('base64url');
    assert.equal((await assertion(null, { raw: JSON.stringify(forged) })).kind, 'rejected');
    const [stored] = await listPasskeys(alice.id, h.deps);
    assert.equal(stored?.counter, 1, 'only the first answer counted');
  });

  test('a disabled account cannot sign in with its passkey', async () => {
    await enrol();
    await h.store.accounts.setDisabled(alice.id, true);
    assert.equal((await assertion(null)).kind, 'rejected');
  });
});

describe('the account page functions', () => {
  test('rename checks the name and the owner; remove records factor.removed and only removes the owner passkey', async () => {
    await enrol();
    const id = device.passkeys[0]!.id;
    assert.equal(await renamePasskey(bob.id, id, 'Mine', h.deps), 'unknown');
    assert.equal(await renamePasskey(alice.id, id, '  ', h.deps), 'invalid');
    assert.equal(await renamePasskey(alice.id, id, 'Phone', h.deps), 'renamed');
    assert.equal(await removePasskey(bob.id, id, h.deps), false);
    assert.equal(await removePasskey(alice.id, id, h.deps, { address: '192.0.2.9' }), true);
    assert.deepEqual(await listPasskeys(alice.id, h.deps), []);
    const events = await h.store.audit.list({ limit: 10 });
    assert.ok(events.some((e) => e.type === 'factor.removed' && e.detail?.['name'] === 'Phone'));
  });
});
