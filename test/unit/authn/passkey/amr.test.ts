// The passkey amr rule (docs/authentication.md, Passkeys): swk when synced, hwk when device-bound, user and mfa with UV.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passkeyAmr } from '../../../../src/authn/passkey/amr.ts';
import { amrOf } from '../../../../src/config/policies.ts';

test('backup-eligible gives swk, device-bound hwk; user verification adds user and mfa', () => {
  assert.deepEqual(passkeyAmr({ backupEligible: true, userVerified: true }), ['swk', 'user', 'mfa']);
  assert.deepEqual(passkeyAmr({ backupEligible: false, userVerified: true }), ['hwk', 'user', 'mfa']);
  assert.deepEqual(passkeyAmr({ backupEligible: false, userVerified: false }), ['hwk']);
});

test('a UV passkey alone keeps mfa in the session amr; without UV it does not, and a password with it does', () => {
  assert.deepEqual(amrOf([{ authenticator: 'pk', amr: ['hwk', 'user', 'mfa'] }]), ['hwk', 'user', 'mfa']);
  assert.deepEqual(amrOf([{ authenticator: 'pk', amr: ['swk'] }]), ['swk']);
  assert.deepEqual(
    amrOf([
      { authenticator: 'pw', amr: ['pwd'] },
      { authenticator: 'pk', amr: ['swk'] },
    ]),
    ['pwd', 'swk', 'mfa'],
  );
});
