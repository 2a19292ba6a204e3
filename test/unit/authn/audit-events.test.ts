// The Authentication Service's audit events: logins with their factor, lockout, sign-up, logout, consent; never a password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerAccount } from '../../../src/authn/accounts.ts';
import { login } from '../../../src/authn/authenticators/html-form/login.ts';
import { register } from '../../../src/authn/authenticators/html-form/register.ts';
import { decideConsent, giveConsent, withdrawConsent } from '../../../src/authn/consent.ts';
import { endSession, startSession } from '../../../src/authn/sessions.ts';
import { authnHarness, NOW, recordingLog } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const AUTHENTICATOR = { id: 'username-password', type: 'html-form', registration: true } as const;
const ADDRESS = '198.51.100.7';

async function withAccount() {
  const h = authnHarness();
  await registerAccount({ username: 'alice', password: PASSWORD }, h.store.accounts, h.clock);
  const attempt = { authenticator: AUTHENTICATOR, address: ADDRESS, log: recordingLog() };
  const events = async () => (await h.store.audit.list({ limit: 100, after: 0 })).map(({ id: _, ...e }) => e);
  return { h, attempt, events };
}

test('a login records login.succeeded with the account, the address and the authenticator as the factor', async () => {
  const { h, attempt, events } = await withAccount();
  await login({ username: 'alice', password: PASSWORD }, attempt, h.deps);
  assert.deepEqual(await events(), [
    {
      type: 'login.succeeded',
      at: NOW,
      accountId: 'alice',
      address: ADDRESS,
      detail: { factor: 'username-password' },
    },
  ]);
});

test('a wrong password records login.failed for the account; an unknown username records no name at all', async () => {
  const { h, attempt, events } = await withAccount();
  await login({ username: 'alice', password: 'wrong password' }, attempt, h.deps);
  await login({ username: 'correct-horse-typed-here', password: PASSWORD }, attempt, h.deps);
  const [wrong, unknown] = await events();
  assert.deepEqual(wrong, {
    type: 'login.failed',
    at: NOW,
    accountId: 'alice',
    address: ADDRESS,
    detail: { factor: 'username-password' },
  });
  assert.deepEqual(unknown, {
    type: 'login.failed',
    at: NOW,
    address: ADDRESS,
    detail: { factor: 'username-password' },
  });
});

test('the lockout records login.throttled', async () => {
  const { h, attempt, events } = await withAccount();
  for (let i = 0; i < 10; i++) await login({ username: 'alice', password: `wrong-${i}` }, attempt, h.deps);
  await login({ username: 'alice', password: PASSWORD }, attempt, h.deps);
  const all = await events();
  assert.equal(all.length, 11);
  assert.deepEqual(all.at(-1), {
    type: 'login.throttled',
    at: NOW,
    accountId: 'alice',
    address: ADDRESS,
    detail: { factor: 'username-password' },
  });
});

test('no password, right or wrong, appears anywhere in the audit log', async () => {
  const { h, attempt, events } = await withAccount();
  await login({ username: 'alice', password: 'wrong password 1' }, attempt, h.deps);
  await login({ username: 'alice', password: PASSWORD }, attempt, h.deps);
  await register({ username: 'bob', password: 'bobs secret pass' }, attempt, h.deps);
  const stored = JSON.stringify(await events());
  for (const secret of [PASSWORD, 'wrong password 1', 'bobs secret pass'])
    assert.ok(!stored.includes(secret));
});

test('sign-up records account.created with the authenticator and address', async () => {
  const { h, attempt, events } = await withAccount();
  await register({ username: 'bob', password: 'bobs secret pass' }, attempt, h.deps);
  assert.deepEqual(await events(), [
    {
      type: 'account.created',
      at: NOW,
      accountId: 'bob',
      address: ADDRESS,
      detail: { factor: 'username-password' },
    },
  ]);
});

test('logout records session.ended for the session’s account; a stale cookie records nothing', async () => {
  const { h, events } = await withAccount();
  const token = await startSession(
    { accountId: 'alice', authenticator: 'username-password', acr: 'urn:acr', lifetime: 60 },
    h.deps,
  );
  await endSession(token, h.deps, ADDRESS);
  await endSession(token, h.deps, ADDRESS);
  await endSession('never-a-session', h.deps, ADDRESS);
  assert.deepEqual(await events(), [
    {
      type: 'session.ended',
      at: NOW,
      accountId: 'alice',
      address: ADDRESS,
      detail: { reason: 'logout', grants_revoked: 0 },
    },
  ]);
});

test('consent given and withdrawn are recorded with account, client and address; withdrawing nothing is not', async () => {
  const { h, events } = await withAccount();
  const token = await startSession(
    { accountId: 'alice', authenticator: 'username-password', acr: 'urn:acr', lifetime: 60 },
    h.deps,
  );
  const returnTo = `/oauth/v2/oauth-authorize?${new URLSearchParams({ client_id: 'web', scope: 'openid reports' })}`;
  await decideConsent(
    {
      returnTo,
      authorizePath: '/oauth/v2/oauth-authorize',
      sessionToken: token,
      allow: false,
      address: ADDRESS,
    },
    h.deps,
    recordingLog(),
  );
  await decideConsent(
    {
      returnTo,
      authorizePath: '/oauth/v2/oauth-authorize',
      sessionToken: token,
      allow: true,
      address: ADDRESS,
    },
    h.deps,
    recordingLog(),
  );
  await giveConsent('alice', 'other', ['openid'], h.deps);
  await withdrawConsent({ id: 'alice' }, 'web', h.deps, ADDRESS);
  await withdrawConsent({ id: 'alice' }, 'web', h.deps, ADDRESS);
  await withdrawConsent({ id: 'alice' }, 'never-consented', h.deps, ADDRESS);
  assert.deepEqual(await events(), [
    {
      type: 'consent.given',
      at: NOW,
      accountId: 'alice',
      clientId: 'web',
      address: ADDRESS,
      detail: { scope: 'openid reports' },
    },
    { type: 'consent.withdrawn', at: NOW, accountId: 'alice', clientId: 'web', address: ADDRESS },
  ]);
});
