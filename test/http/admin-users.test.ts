// The admin's Users pages over HTTP on SQLite with a real SMTP server on loopback: search, one person's page (never a
// secret), and every action as a CSRF-guarded POST that takes effect at once, says what happened and is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixedClock } from '../../src/shared/clock.ts';
import { canLogIn, events } from '../fixtures/account.ts';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { basic, findForm, isActive, PASSWORD, signUp, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
const SEALED = 'sealed-totp-secret-7Kq2Xw9Lm4Pz8Rt6Yv3N';
const PUBLIC_KEY = 'pQECAyYgASFYIPublicKeyOfTheWorkLaptop9x8c7v6b5n4m';

let server: TestServer;
let smtp: SmtpSink;
let admin: UserAgent;

before(async () => {
  smtp = await startSmtpSink();
  server = await startServer({
    clock,
    config: {
      server: { email: { smtp_url: smtp.url } },
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'app-codes', type: 'totp', issuer: 'Example' },
        { id: 'keys', type: 'passkey' },
      ],
      policies: [{ id: 'mfa', name: 'Password and app code', steps: [['username-password'], ['app-codes']] }],
      clients: [wwwClient, { ...wwwClient, client_id: 'bank', authentication_policies: ['mfa'] }],
    },
  });
  await addAdmin(server);
  admin = new UserAgent();
  const login = await admin.follow(`${server.url}/admin/login`);
  await admin.submit(login, { username: 'alice', password: ADMIN_PASSWORD });
  await person('bob', 'Bob@Example.com');
  await signUp(server, 'carol', { email: 'carol@work.example' });
  await signUp(server, 'dave');
});
after(async () => {
  await server?.close();
  await smtp?.close();
});

const users = `/admin/users`;
const page = (path: string) => admin.follow(server.url + path);
const now = () => clock.nowSeconds();

/** Presses the form whose action ends with `action` on the user's page; returns the page it leads to. */
async function press(username: string, action: RegExp): Promise<Response> {
  const form = findForm(await page(`${users}/${username}`), action);
  return admin.follow(form.action, { form: form.fields });
}
const message = (res: Response) =>
  unescapeHtml(/<p id="message"[^>]*>([\s\S]*?)<\/p>/.exec(res.body)?.[1] ?? '(no message)');

/** A person with an SSO session, an authenticator app, a passkey and a sign-in linked from another provider. */
async function person(username: string, email?: string) {
  const agent = await signUp(server, username, email ? { email, name: `${username} Example` } : {});
  const t = now();
  await server.tessera.store.totp.startEnrolment({
    accountId: username,
    secretSealed: SEALED,
    confirmedAt: null,
    lastStep: 0,
    createdAt: t,
  });
  await server.tessera.store.totp.confirm(username, Math.floor(t / 30), t);
  await server.tessera.store.totp.replaceRecoveryCodes(
    username,
    ['recovery-hash-1', 'recovery-hash-2', 'recovery-hash-3'],
    t,
  );
  await server.tessera.store.passkeys.create({
    id: `cred-${username}`,
    accountId: username,
    name: 'Work laptop',
    publicKey: PUBLIC_KEY,
    counter: 0,
    transports: ['internal'],
    backupEligible: false,
    backedUp: false,
    createdAt: t,
    lastUsedAt: null,
  });
  await server.tessera.store.upstream.link({
    issuer: 'https://idp.example',
    subject: `upstream-${username}`,
    accountId: username,
    authenticator: 'gone-provider',
    createdAt: t,
    lastUsedAt: null,
  });
  return agent;
}

describe('the Users list', () => {
  test('the nav leads to it; it searches part of a username or email without regard to case', async () => {
    const home = await page('/admin');
    assert.match(home.body, /<a href="\/admin\/users">Users<\/a>/);
    const found = await page(`${users}?q=EXAMPLE.COM`);
    assert.equal(found.status, 200);
    const table = /<table id="users"[\s\S]*?<\/table>/.exec(found.body)?.[0] ?? '';
    assert.match(table, /<a href="\/admin\/users\/bob">bob<\/a>/);
    assert.match(table, /Bob@Example\.com <span class="muted">\(not verified\)<\/span>/);
    assert.doesNotMatch(table, /carol|dave/);
    assert.match(found.body, /<label for="user-search">Username or email address<\/label>/);
    const none = await page(`${users}?q=nobody-here`);
    assert.match(none.body, /No user’s username or email address contains “nobody-here”/);
  });

  test('an overlong search is refused in words, not run', async () => {
    const res = await page(`${users}?q=${'x'.repeat(300)}`);
    assert.equal(res.status, 400);
    assert.match(res.body, /<strong>Search<\/strong>: use at most 254 characters/);
  });

  test('without an admin session the list and the pages lead to the login form', async () => {
    const res = await new UserAgent().request(`${server.url}${users}/bob`);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /\/admin\/login/);
  });
});

describe("a user's page", () => {
  test('shows the account, its sessions, factors and linked sign-ins, and never a secret', async () => {
    const res = await page(`${users}/bob`);
    assert.equal(res.status, 200);
    assert.match(res.body, /<h1>bob<\/h1>/);
    assert.match(res.body, /<dt>Name<\/dt><dd>bob Example<\/dd>/);
    assert.match(res.body, /Bob@Example\.com <span class="tag tag-changed">not verified<\/span>/);
    const sessions = /<table id="user-sessions"[\s\S]*?<\/table>/.exec(res.body)?.[0] ?? '';
    assert.match(sessions, /<td>127\.0\.0\.1<\/td>/);
    const factors = /<table id="user-factors"[\s\S]*?<\/table>/.exec(res.body)?.[0] ?? '';
    assert.match(factors, /Authenticator app[\s\S]*3 recovery codes left/);
    assert.match(factors, /<td>Passkey<\/td><td>Work laptop/);
    assert.match(factors, /aria-label="Remove passkey Work laptop"/);
    const identities = /<table id="user-identities"[\s\S]*?<\/table>/.exec(res.body)?.[0] ?? '';
    assert.match(identities, /https:\/\/idp\.example[\s\S]*upstream-bob/);
    for (const secret of [SEALED, PUBLIC_KEY, 'cred-bob', 'recovery-hash-1'])
      assert.ok(!res.body.includes(secret), `${secret} is not on the page`);
    assert.match(res.body, /href="\/admin\/audit\?user=bob">Their events in the audit log/);
  });

  test('an unknown or hostile id is a 404 page, never a 500', async () => {
    for (const id of [
      'nobody',
      encodeURIComponent('../clients'),
      encodeURIComponent('a"><b>'),
      'x'.repeat(300),
    ]) {
      const res = await page(`${users}/${id}`);
      assert.equal(res.status, 404, id);
      assert.doesNotMatch(res.body, /<b>/);
    }
    const nul = await page(`${users}/a%00b`);
    assert.ok(nul.status === 400 || nul.status === 404, String(nul.status));
  });
});

describe('actions', () => {
  test('each action refuses a POST without the CSRF token and changes nothing', async () => {
    for (const verb of [
      'disable',
      'sessions/end',
      'password-reset',
      'email-verified',
      'factors/totp/remove',
    ]) {
      const res = await admin.request(`${server.url}${users}/carol/${verb}`, { form: { _csrf: 'forged' } });
      assert.equal(res.status, 403, verb);
    }
    const carol = await server.tessera.store.accounts.findById('carol');
    assert.equal(carol?.disabled, false);
    assert.notEqual(carol?.claims['email_verified'], true);
  });

  test('End all sessions ends them with their grants, says so, and names the admin in the audit log', async () => {
    const agent = await signUp(server, 'erin');
    const tokens = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const done = await press('erin', /\/sessions\/end$/);
    assert.equal(done.status, 200);
    assert.match(message(done), /^Ended 1 session: erin has to sign in again in every browser\.$/);
    assert.equal(await isActive(server, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    assert.deepEqual(await server.tessera.store.sessions.listByAccount('erin', now()), []);
    const [event] = await events(server, 'session.ended');
    assert.equal(event?.accountId, 'erin');
    assert.equal(event?.actor, 'alice');
    assert.equal(event?.address, '127.0.0.1');
    assert.deepEqual(event?.detail, { reason: 'admin', sessions_ended: 1 });
  });

  test('Remove takes the authenticator app with its recovery codes, and says which policy now asks for one', async () => {
    const done = await press('bob', /\/factors\/totp\/remove$/);
    assert.match(
      message(done),
      /^Removed the authenticator app\. Signing in with “Password and app code” needs a second factor: bob will be asked to set one up/,
    );
    assert.equal(await server.tessera.store.totp.find('bob'), undefined);
    assert.equal(await server.tessera.store.totp.recoveryCodesLeft('bob'), 0);
    const [event] = await events(server, 'factor.removed');
    assert.deepEqual([event?.actor, event?.detail], ['alice', { factor: 'otp', context: 'admin' }]);
  });

  test('Remove takes a passkey by its handle; a handle of nothing says so and removes nothing', async () => {
    const form = findForm(await page(`${users}/bob`), /\/factors\/[^/]+\/remove$/);
    const done = await admin.follow(form.action, { form: form.fields });
    assert.match(message(done), /^Removed the passkey\.$/);
    assert.deepEqual(await server.tessera.store.passkeys.listByAccount('bob'), []);
    const again = await admin.follow(form.action, { form: form.fields });
    assert.match(message(again), /removed already: nothing changed/);
    const [event] = await events(server, 'factor.removed');
    assert.equal(event?.actor, 'alice');
    assert.equal(event?.detail?.['name'], 'Work laptop');
  });

  test('Unlink removes the linked sign-in', async () => {
    const done = await press('bob', /\/identities\/[^/]+\/unlink$/);
    assert.match(message(done), /^Unlinked the sign-in through another provider\.$/);
    assert.deepEqual(await server.tessera.store.upstream.listIdentities('bob'), []);
    const [event] = await events(server, 'identity.unlinked');
    assert.deepEqual([event?.actor, event?.detail?.['context']], ['alice', 'admin']);
  });

  test('Send password reset link mails a working link; the page, answer and audit hold no token', async () => {
    const before = smtp.messages.length;
    const done = await press('bob', /\/password-reset$/);
    assert.match(
      message(done),
      /^A password reset link is on its way to Bob@Example\.com\. It works once, within 15 minutes\.$/,
    );
    // Mail clients fold the domain's case; the local part is as the account has it.
    const mail = await smtp.waitFor(
      (m) => m.to.includes('Bob@example.com') && smtp.messages.indexOf(m) >= before,
    );
    const link = mail.links.find((l) => l.includes('/authn/reset-password'));
    assert.ok(link, mail.text);
    const token = new URL(link).searchParams.get('token')!;
    assert.ok(!done.body.includes(token));
    const form = await new UserAgent().follow(link);
    assert.equal(form.status, 200);
    assert.match(form.body, /Choose a new password/);
    const [event] = await events(server, 'password.reset_requested');
    assert.deepEqual([event?.accountId, event?.actor, event?.address], ['bob', 'alice', '127.0.0.1']);
    assert.deepEqual(event?.detail, { sent: true, via: 'admin' });
    assert.ok(!JSON.stringify(await events(server, 'password.reset_requested')).includes(token));
  });

  test('Send verification email mails a link that verifies the address; then the buttons for it go', async () => {
    const before = smtp.messages.length;
    const done = await press('carol', /\/verification-email$/);
    assert.match(
      message(done),
      /^A verification link is on its way to carol@work\.example\. It works once, within 24 hours\.$/,
    );
    const mail = await smtp.waitFor(
      (m) => m.to.includes('carol@work.example') && smtp.messages.indexOf(m) >= before,
    );
    const link = mail.links.find((l) => l.includes('/authn/verify-email'))!;
    const agent = new UserAgent();
    const landing = await agent.follow(link);
    await agent.submit(landing, {});
    assert.equal((await server.tessera.store.accounts.findById('carol'))?.claims['email_verified'], true);
    const [event] = await events(server, 'email.verification_requested');
    assert.deepEqual([event?.actor, event?.detail], ['alice', { sent: true }]);
    const after = await page(`${users}/carol`);
    assert.match(after.body, /carol@work\.example <span class="tag tag-added">verified<\/span>/);
    assert.doesNotMatch(after.body, /Send verification email|Mark email verified/);
  });

  test('Mark email verified sets email_verified at once, recorded as the operator’s word', async () => {
    const done = await press('bob', /\/email-verified$/);
    assert.match(message(done), /^Bob@Example\.com is marked verified\.$/);
    assert.equal((await server.tessera.store.accounts.findById('bob'))?.claims['email_verified'], true);
    const [event] = await events(server, 'email.verified');
    assert.deepEqual([event?.accountId, event?.actor, event?.detail], ['bob', 'alice', { via: 'operator' }]);
  });

  test('a user without an email address gets no link buttons, and a forged send is refused in words', async () => {
    const res = await page(`${users}/dave`);
    assert.doesNotMatch(res.body, /Send password reset link|Send verification email|Mark email verified/);
    assert.match(res.body, /Without an email address no reset or verification link can be sent/);
    const form = findForm(res, /\/disable$/);
    const forged = await admin.follow(`${server.url}${users}/dave/password-reset`, { form: form.fields });
    assert.match(message(forged), /^dave has no email address, so no link can be sent\.$/);
  });

  test('Disable ends the sessions and refuses sign-in; Enable lets them in again', async () => {
    const agent = await signUp(server, 'frank', { email: 'frank@example.com' });
    const tokens = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const done = await press('frank', /\/disable$/);
    assert.match(message(done), /^frank is disabled: they cannot sign in, and their 1 session ended\.$/);
    assert.match(done.body, /<span class="tag tag-removed">disabled<\/span> cannot sign in/);
    assert.equal(await canLogIn(server, 'frank', PASSWORD), false);
    assert.equal(await isActive(server, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    assert.doesNotMatch(done.body, /Send password reset link/, 'no links for a disabled account');
    const [event] = await events(server, 'account.disabled');
    assert.deepEqual([event?.actor, event?.detail], ['alice', { sessions_ended: 1 }]);
    const enabled = await press('frank', /\/enable$/);
    assert.match(message(enabled), /^frank can sign in again\.$/);
    assert.equal(await canLogIn(server, 'frank', PASSWORD), true);
    assert.equal(
      await isActive(server, tokens.refresh_token!, basic('www', WWW_SECRET)),
      false,
      'what ended stays ended',
    );
  });

  test('an action on an unknown user is a 404, and a made-up message code shows nothing', async () => {
    const form = findForm(await page(`${users}/dave`), /\/disable$/);
    const res = await admin.request(`${server.url}${users}/nobody/disable`, { form: form.fields });
    assert.equal(res.status, 404);
    const odd = await page(`${users}/dave?done=%3Cscript%3E&n=-5`);
    assert.equal(odd.status, 200);
    assert.doesNotMatch(odd.body, /id="message"/);
  });
});
