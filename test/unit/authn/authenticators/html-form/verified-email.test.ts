// html-form with require_verified_email: registration needs an address and sends the link; a login with the right
// password but an unverified address starts no session; the pending login finishes once the address is verified.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerAccount } from '../../../../../src/authn/accounts.ts';
import { login } from '../../../../../src/authn/authenticators/html-form/login.ts';
import {
  PENDING_LIFETIME,
  pendingLogin,
  resumeLogin,
} from '../../../../../src/authn/authenticators/html-form/pending.ts';
import { register } from '../../../../../src/authn/authenticators/html-form/register.ts';
import { verifyEmail } from '../../../../../src/authn/email/verification.ts';
import { hashPassword } from '../../../../../src/authn/passwords.ts';
import { findSession } from '../../../../../src/authn/sessions.ts';
import { liveConfig, testSnapshot } from '../../../helpers.ts';
import { authnHarness, NOW, recordingLog } from '../../helpers.ts';

const PASSWORD = 'correct horse battery staple';
const VERIFYING = {
  id: 'username-password',
  type: 'html-form',
  registration: true,
  require_verified_email: true,
} as const;

function harness() {
  const h = authnHarness();
  const config = liveConfig({
    ...testSnapshot(),
    authenticators: [VERIFYING, { id: 'staff', type: 'html-form' }],
  });
  h.deps.config = () => config;
  const log = recordingLog();
  const attempt = { authenticator: VERIFYING, address: '10.0.0.1', log, languages: ['en'] };
  return { h, log, attempt };
}

async function withAccount(
  h: ReturnType<typeof harness>['h'],
  claims: { email?: string } = { email: 'alice@example.com' },
) {
  await registerAccount({ username: 'alice', password: PASSWORD, ...claims }, h.store.accounts, h.clock);
}

const tokenOf = (h: ReturnType<typeof harness>['h']) =>
  new URL(String(h.sent.at(-1)!.data['link'])).searchParams.get('token')!;

const sessionCount = async (h: ReturnType<typeof harness>['h']) =>
  (await h.store.sessions.listByAccount('alice', h.clock.nowSeconds())).length;

test('the right password and an unverified address: no session, a link sent, the login waits for it', async () => {
  const { h, log, attempt } = harness();
  await withAccount(h);
  const outcome = await login({ username: 'alice', password: PASSWORD }, attempt, h.deps);
  assert.deepEqual(outcome, {
    kind: 'verify-email',
    accountId: 'alice',
    authTime: NOW,
    sent: { kind: 'sent', email: 'alice@example.com' },
  });
  assert.equal(await sessionCount(h), 0, 'no SSO session');
  assert.deepEqual(log.events, ['info:login_needs_verified_email']);
  assert.equal(h.sent.length, 1);
  assert.equal(h.sent[0]!.to, 'alice@example.com');
  assert.equal(
    (await h.store.audit.list({ types: ['login.succeeded'], limit: 5 })).length,
    0,
    'not a login yet',
  );
  const again = await login({ username: 'alice', password: PASSWORD }, attempt, h.deps);
  assert.equal(
    again.kind === 'verify-email' && again.sent.kind,
    'recent',
    'a second login sends no second link',
  );
  assert.equal(h.sent.length, 1);
});

test('a wrong password says only that, and sends nothing', async () => {
  const { h, attempt } = harness();
  await withAccount(h);
  const outcome = await login({ username: 'alice', password: 'wrong password' }, attempt, h.deps);
  assert.equal(outcome.kind, 'rejected');
  assert.equal(h.sent.length, 0);
});

test('a verified address logs in at once; without the setting an unverified one does too', async () => {
  const { h, attempt } = harness();
  await withAccount(h);
  await h.store.accounts.updateClaims('alice', { email: 'alice@example.com', email_verified: true });
  assert.equal((await login({ username: 'alice', password: PASSWORD }, attempt, h.deps)).kind, 'ok');
  await h.store.accounts.updateClaims('alice', { email: 'alice@example.com', email_verified: false });
  const plain = {
    ...attempt,
    authenticator: { id: 'staff', type: 'html-form', registration: true } as const,
  };
  assert.equal((await login({ username: 'alice', password: PASSWORD }, plain, h.deps)).kind, 'ok');
  assert.equal(h.sent.length, 0);
});

test('registration asks for the address, then creates the account unverified, sends the link, starts no session', async () => {
  const { h, attempt } = harness();
  const missing = await register({ username: 'alice', password: PASSWORD, email: '' }, attempt, h.deps);
  assert.equal(missing.kind, 'invalid');
  assert.match(missing.kind === 'invalid' ? (missing.errors['email'] ?? '') : '', /Enter your email address/);
  assert.equal(await h.store.accounts.findById('alice'), undefined, 'no account without an address');
  const outcome = await register(
    { username: 'alice', password: PASSWORD, email: 'alice@example.com', name: 'Alice' },
    attempt,
    h.deps,
  );
  assert.equal(outcome.kind, 'verify-email');
  const account = await h.store.accounts.findById('alice');
  assert.equal(account?.claims['email_verified'], false);
  assert.equal(h.sent.length, 1);
  assert.equal(h.sent[0]!.data['name'], 'Alice');
  assert.equal(await sessionCount(h), 0);
});

test('the pending login finishes once the address is verified: a session with the password time as auth_time', async () => {
  const { h, attempt } = harness();
  await withAccount(h);
  await login({ username: 'alice', password: PASSWORD }, attempt, h.deps);
  const pending = pendingLogin((await h.store.accounts.findById('alice'))!, VERIFYING.id, NOW);
  const resume = () => resumeLogin(pending, attempt, h.deps);
  assert.equal((await resume()).kind, 'unverified');
  h.clock.advance(600);
  assert.equal((await verifyEmail(tokenOf(h), attempt, h.deps)).kind, 'verified');
  const done = await resume();
  assert.equal(done.kind, 'ok');
  const session = done.kind === 'ok' ? await findSession(done.token, h.deps) : undefined;
  assert.equal(session?.authTime, NOW, 'auth_time is when the password was checked');
  assert.deepEqual(session?.factors, [{ authenticator: VERIFYING.id, amr: ['pwd'], at: NOW }]);
  assert.equal(session?.createdAt, NOW + 600);
  assert.equal((await h.store.audit.list({ types: ['login.succeeded'], limit: 5 })).length, 1);
});

test('a pending login ends: after an hour, with a new password, a disabled account, or its authenticator gone', async () => {
  const { h, attempt } = harness();
  await withAccount(h);
  await h.store.accounts.updateClaims('alice', { email: 'alice@example.com', email_verified: true });
  const account = (await h.store.accounts.findById('alice'))!;
  const pending = pendingLogin(account, VERIFYING.id, NOW);
  h.clock.advance(PENDING_LIFETIME + 1);
  assert.equal((await resumeLogin(pending, attempt, h.deps)).kind, 'expired');
  h.clock.advance(-(PENDING_LIFETIME + 1));

  assert.deepEqual(
    (await resumeLogin({ ...pending, authenticator: 'nope' }, attempt, h.deps)).kind,
    'expired',
  );
  assert.deepEqual((await resumeLogin({ ...pending, accountId: 'bob' }, attempt, h.deps)).kind, 'expired');
  await h.store.accounts.setPasswordHash('alice', await hashPassword('a new password 1'));
  assert.equal(
    (await resumeLogin(pending, attempt, h.deps)).kind,
    'expired',
    'the old password proves nothing',
  );
  const fresh = pendingLogin((await h.store.accounts.findById('alice'))!, VERIFYING.id, NOW);
  assert.equal((await resumeLogin(fresh, attempt, h.deps)).kind, 'ok');
  await h.store.accounts.setDisabled('alice', true);
  assert.equal((await resumeLogin(fresh, attempt, h.deps)).kind, 'expired');
});
