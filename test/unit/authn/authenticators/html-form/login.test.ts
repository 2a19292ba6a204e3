// The html-form login and registration use cases: their typed outcomes, the throttle, the session and events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerAccount } from '../../../../../src/authn/accounts.ts';
import { login } from '../../../../../src/authn/authenticators/html-form/login.ts';
import { register } from '../../../../../src/authn/authenticators/html-form/register.ts';
import { findSession } from '../../../../../src/authn/sessions.ts';
import { authnHarness, NOW, recordingLog, SESSION_LIFETIME } from '../../helpers.ts';

const PASSWORD = 'correct horse battery staple';
const AUTHENTICATOR = { id: 'username-password', type: 'html-form', registration: true } as const;

async function withAccount() {
  const h = authnHarness();
  await registerAccount({ username: 'alice', password: PASSWORD }, h.store.accounts, h.clock);
  const log = recordingLog();
  const attempt = { authenticator: AUTHENTICATOR, address: '10.0.0.1', log };
  return { h, log, attempt };
}

test('the right password: ok with a session token naming the account, authenticator, acr, its one pwd factor and where it came from', async () => {
  const { h, log, attempt } = await withAccount();
  const outcome = await login({ username: ' alice ', password: PASSWORD }, attempt, h.deps);
  assert.equal(outcome.kind, 'ok');
  if (outcome.kind !== 'ok') return;
  assert.equal(outcome.accountId, 'alice');
  const session = await findSession(outcome.token, h.deps);
  assert.deepEqual(session && { ...session, idHash: '' }, {
    idHash: '',
    accountId: 'alice',
    authenticator: 'username-password',
    acr: 'urn:tessera:authentication:html-form:username-password',
    authTime: NOW,
    expiresAt: NOW + SESSION_LIFETIME,
    factors: [{ authenticator: 'username-password', amr: ['pwd'], at: NOW }],
    createdAt: NOW,
    lastSeen: NOW,
    address: '10.0.0.1',
    userAgent: '',
  });
  assert.deepEqual(log.events, ['info:login_succeeded']);
  assert.deepEqual(h.counted, ['success']);
});

test('an unknown user and a wrong password get the same rejection, with the username shown again', async () => {
  const { h, log, attempt } = await withAccount();
  const wrong = await login({ username: 'alice', password: 'wrong password' }, attempt, h.deps);
  const unknown = await login({ username: 'mallory', password: PASSWORD }, attempt, h.deps);
  assert.deepEqual(wrong, {
    kind: 'rejected',
    error: 'Incorrect username or password.',
    values: { username: 'alice' },
  });
  assert.deepEqual(unknown, { ...wrong, values: { username: 'mallory' } }, 'no account enumeration');
  assert.deepEqual(log.events, ['info:login_failed', 'info:login_failed']);
  assert.deepEqual(h.counted, ['failure', 'failure']);
});

test('after 10 failures for a username and address: throttled with Retry-After seconds, even with the right password', async () => {
  const { h, log, attempt } = await withAccount();
  for (let i = 0; i < 10; i++) await login({ username: 'alice', password: `wrong-${i}` }, attempt, h.deps);
  h.clock.advance(100);
  const outcome = await login({ username: 'ALICE', password: PASSWORD }, attempt, h.deps);
  assert.deepEqual(outcome, {
    kind: 'throttled',
    retryAfter: 900 - 100,
    error: 'Too many failed attempts. Try again later.',
    values: { username: 'ALICE' },
  });
  assert.equal(log.events.at(-1), 'warn:login_throttled');
  assert.equal(h.counted.length, 10, 'a throttled attempt checks no password and counts nothing');
  const elsewhere = await login(
    { username: 'alice', password: PASSWORD },
    { ...attempt, address: '10.0.0.2' },
    h.deps,
  );
  assert.equal(elsewhere.kind, 'ok', 'another address is not throttled');
  h.clock.advance(800);
  assert.equal(
    (await login({ username: 'alice', password: PASSWORD }, attempt, h.deps)).kind,
    'ok',
    'the window passed',
  );
});

test('registration: invalid input comes back without the password; valid input logs the new account in', async () => {
  const h = authnHarness();
  const log = recordingLog();
  const attempt = { authenticator: AUTHENTICATOR, address: '10.0.0.1', log };
  const bad = await register({ username: ' bo b', password: 'short', name: '', email: 'x' }, attempt, h.deps);
  assert.equal(bad.kind, 'invalid');
  if (bad.kind !== 'invalid') return;
  assert.deepEqual(Object.keys(bad.errors).sort(), ['email', 'password', 'username']);
  assert.deepEqual(bad.values, { username: ' bo b', name: '', email: 'x' }, 'as typed, no password');
  const good = await register(
    { username: ' bob ', password: PASSWORD, name: ' Bob ', email: '' },
    attempt,
    h.deps,
  );
  assert.equal(good.kind, 'ok');
  if (good.kind !== 'ok') return;
  assert.equal(good.accountId, 'bob');
  assert.equal((await h.store.accounts.findById('bob'))?.claims['name'], 'Bob');
  assert.equal((await findSession(good.token, h.deps))?.accountId, 'bob');
  assert.deepEqual(log.events, ['info:account_created']);
});
