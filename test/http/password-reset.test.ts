// Password reset over HTTP with a real SMTP server on loopback: "Forgot password?" on the login page, byte-identical
// answers for known and unknown accounts, the link read from the received message, single use, sessions and
// non-offline refresh tokens ended at the real token endpoint while offline_access ones keep working.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { REQUESTS_PER_ADDRESS, RESET_WINDOW } from '../../src/authn/email/reset.ts';
import { createLogger } from '../../src/cli/logger.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { accountUrl, canLogIn, events } from '../fixtures/account.ts';
import { isActive, PASSWORD, signUp, token, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';
import { basic, type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const NEW_PASSWORD = 'a brand new passphrase 7';
const WWW = { id: 'www', secret: WWW_SECRET };
const auth = basic('www', WWW_SECRET);
/** Frozen, so each test starts a fresh throttle window (every request here comes from 127.0.0.1). */
const clock = new FixedClock(Math.floor(Date.now() / 1000));
let smtp: SmtpSink;
let server: TestServer;
let off: TestServer;

before(async () => {
  smtp = await startSmtpSink();
  server = await startServer({
    clock,
    config: {
      server: { email: { smtp_url: smtp.url } },
      clients: [{ ...wwwClient, scopes: [...wwwClient.scopes, 'offline_access'] }],
    },
  });
  off = await startServer({
    config: {
      server: { email: { smtp_url: smtp.url } },
      authenticators: [{ id: 'username-password', type: 'html-form', password_reset: false }],
    },
  });
});
after(async () => {
  await server?.close();
  await off?.close();
  await smtp?.close();
});
beforeEach(() => clock.advance(RESET_WINDOW));

const loginUrl = (s: TestServer) => `${s.url}/authn/authenticate/html-form/username-password`;
const forgotUrl = (s: TestServer) => `${s.url}/authn/forgot-password/html-form/username-password`;

/** Asks for a reset link from a fresh browser, as someone on the login page would. */
async function ask(identifier: string, agent = new UserAgent()): Promise<Response> {
  const page = await agent.request(forgotUrl(server));
  assert.equal(page.status, 200);
  return agent.submit(page, { identifier });
}

/** The message for `to` received after `since` messages: its link, the same in the text and the HTML part. */
async function linkFor(to: string, since: number): Promise<{ mail: ReceivedMail; link: string }> {
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= since && m.to.includes(to));
  const link = mail.links.find((l) => l.includes('/authn/reset-password?'));
  assert.ok(link, mail.text);
  assert.ok(mail.htmlLinks.includes(link), 'the HTML part carries the same link');
  return { mail, link };
}

describe('the login page and the request form', () => {
  test('the login page links "Forgot password?" keeping return_to; the form has a labelled field and CSRF', async () => {
    const returnTo = '/oauth/v2/oauth-authorize?client_id=www&response_type=code&scope=openid';
    const agent = new UserAgent();
    const login = await agent.request(`${loginUrl(server)}?return_to=${encodeURIComponent(returnTo)}`);
    const href = unescapeHtml(/<a href="([^"]*)">Forgot password\?<\/a>/.exec(login.body)?.[1] ?? '');
    assert.equal(
      href,
      `/authn/forgot-password/html-form/username-password?return_to=${encodeURIComponent(returnTo)}`,
    );
    const page = await agent.request(server.url + href);
    assert.equal(page.status, 200);
    assert.match(page.body, /<label for="identifier">Username or email<\/label>/);
    assert.match(page.body, /<input id="identifier" name="identifier"/);
    assert.match(page.body, /name="_csrf" value="[^"]+"/);
    assert.ok(page.body.includes(`name="return_to" value="${returnTo.replace(/&/g, '&amp;')}"`));
    assert.equal(page.headers.get('cache-control'), 'no-store');
  });

  test('with password_reset: false there is no link on the login page and no form', async () => {
    const login = await new UserAgent().request(loginUrl(off));
    assert.doesNotMatch(login.body, /Forgot password/);
    const page = await new UserAgent().request(forgotUrl(off));
    assert.equal(page.status, 404);
  });

  test('a request without the CSRF token is refused and sends nothing', async () => {
    await signUp(server, 'pr-csrf', { email: 'pr-csrf@example.com' });
    const since = smtp.messages.length;
    const res = await new UserAgent().request(forgotUrl(server), { form: { identifier: 'pr-csrf' } });
    assert.equal(res.status, 403);
    await ask('nobody-at-all');
    assert.equal(smtp.messages.length, since);
  });

  test('an empty field is a field error on the form, with the same status for everyone', async () => {
    const res = await ask('   ');
    assert.equal(res.status, 400);
    assert.match(res.body, /Enter your username or email address\./);
    assert.match(res.body, /aria-invalid="true" aria-describedby="identifier-error"/);
  });
});

describe('no account enumeration', () => {
  test('known, unknown, disabled and address-less accounts get byte-identical answers; only the known one gets mail', async () => {
    await signUp(server, 'pr-known', { email: 'pr-known@example.com' });
    await signUp(server, 'pr-nomail');
    await signUp(server, 'pr-disabled', { email: 'pr-disabled@example.com' });
    await server.tessera.store.accounts.setDisabled('pr-disabled', true);
    const since = smtp.messages.length;
    const answers = [];
    for (const identifier of [
      'pr-nobody',
      'pr-known',
      'nobody@example.com',
      'PR-KNOWN@example.com',
      'pr-nomail',
      'pr-disabled',
    ]) {
      const res = await ask(identifier);
      const headers = [...res.headers].filter(([name]) => !['date', 'x-request-id'].includes(name));
      answers.push({ status: res.status, headers, body: res.body });
    }
    for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
    assert.equal(answers[0]!.status, 200);
    assert.match(
      answers[0]!.body,
      /If an account matches, we have sent a link to its email address\. The link works for 15 minutes\./,
    );
    await linkFor('pr-known@example.com', since + 1);
    // Both known requests (by name and by address) arrived; nothing else was sent meanwhile.
    assert.deepEqual(
      smtp.messages.slice(since).map((m) => m.to),
      [['pr-known@example.com'], ['pr-known@example.com']],
    );
    const requested = (await events(server, 'password.reset_requested')).map((e) => e.accountId);
    assert.ok(requested.includes('pr-known'));
    assert.ok(!requested.includes('pr-nobody') && !requested.includes('pr-disabled'));
  });

  test(`after ${REQUESTS_PER_ADDRESS} requests from one address, the same 429 for any identifier`, async () => {
    await signUp(server, 'pr-flood', { email: 'pr-flood@example.com' });
    for (let i = 0; i < REQUESTS_PER_ADDRESS; i++) assert.equal((await ask(`pr-flood-${i}`)).status, 200);
    const known = await ask('pr-flood');
    const unknown = await ask('pr-nobody');
    assert.equal(known.status, 429);
    assert.ok(Number(known.headers.get('retry-after')) > 0);
    assert.equal(known.body, unknown.body);
    assert.equal(known.headers.get('retry-after'), unknown.headers.get('retry-after'));
    assert.match(known.body, /Too many password reset requests/);
  });
});

describe('the link from the message', () => {
  test('the message reads as a mail client shows it, with the link in both parts', async () => {
    await signUp(server, 'pr-mail', { email: 'pr-mail@example.com', name: 'Pia Mail' });
    const since = smtp.messages.length;
    await ask('pr-mail');
    const { mail, link } = await linkFor('pr-mail@example.com', since);
    assert.match(mail.subject, /^Reset your password for 127\.0\.0\.1:\d+$/);
    assert.match(mail.text, /^Hello Pia Mail,/);
    assert.match(mail.text, /account "pr-mail"/);
    assert.match(mail.text, /The link works once, for 15 minutes\./);
    assert.ok(mail.html && /<h1[^>]*>Reset your password<\/h1>/.test(mail.html));
    assert.equal(new URL(link).origin, server.url);
    assert.match(new URL(link).searchParams.get('token') ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('a German browser gets the German message', async () => {
    await signUp(server, 'pr-de', { email: 'pr-de@example.com' });
    const since = smtp.messages.length;
    const agent = new UserAgent();
    const page = await agent.request(forgotUrl(server));
    const form = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await fetch(forgotUrl(server), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'accept-language': 'de-CH, de;q=0.9, en;q=0.5',
        cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: new URLSearchParams({ _csrf: unescapeHtml(form), identifier: 'pr-de', return_to: '' }),
    });
    assert.equal(res.status, 200);
    const { mail } = await linkFor('pr-de@example.com', since);
    assert.match(mail.subject, /^Neues Passwort für/);
    assert.match(mail.text, /^Hallo pr-de,/);
  });

  test('the link opens a private form; the new password ends sessions and session grants, offline ones keep working', async () => {
    const browser = await signUp(server, 'pr-flow', { email: 'pr-flow@example.com' });
    const online = await tokensFor(server, browser, WWW, { scope: 'openid profile' });
    const offline = await tokensFor(server, browser, WWW, { scope: 'openid offline_access' });
    assert.ok(online.refresh_token && offline.refresh_token);
    const since = smtp.messages.length;
    await ask('pr-flow@example.com');
    const { link } = await linkFor('pr-flow@example.com', since);

    const person = new UserAgent();
    const form = await person.request(link);
    assert.equal(form.status, 200);
    assert.equal(form.headers.get('cache-control'), 'no-store');
    assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
    assert.match(form.body, /<label for="new_password">New password<\/label>/);
    assert.match(
      form.body,
      /id="new_password" name="new_password" type="password" autocomplete="new-password"/,
    );
    assert.match(
      form.body,
      /id="confirm_password" name="confirm_password" type="password" autocomplete="new-password"/,
    );
    const tokenValue = new URL(link).searchParams.get('token')!;
    assert.ok(
      form.body.includes(`name="token" value="${tokenValue}"`),
      'the token travels in a hidden field',
    );

    const mismatch = await person.submit(form, {
      new_password: NEW_PASSWORD,
      confirm_password: 'something else',
    });
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body, /The two passwords are not the same\./);

    const done = await person.submit(form, { new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    assert.equal(done.status, 200, done.body.slice(0, 300));
    assert.match(done.body, /<h1>Your password is changed<\/h1>/);
    assert.match(done.body, /href="\/authn\/authenticate\/html-form\/username-password">Log in</);
    assert.equal(done.headers.get('cache-control'), 'no-store');

    assert.equal(await canLogIn(server, 'pr-flow', PASSWORD), false, 'the old password is refused');
    assert.equal(await canLogIn(server, 'pr-flow', NEW_PASSWORD), true, 'the new one works');
    const account = await browser.request(accountUrl(server));
    assert.equal(account.status, 303, 'the other browser was signed out');
    const refused = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: online.refresh_token! },
      auth,
    );
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json['error'], 'invalid_grant');
    assert.equal(await isActive(server, online.access_token, auth), false);
    const refreshed = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: offline.refresh_token! },
      auth,
    );
    assert.equal(refreshed.status, 200, 'offline_access was granted: its refresh token survives');

    const again = await new UserAgent().request(link);
    assert.equal(again.status, 410);
    assert.match(again.body, /<h1>This link has expired or was already used<\/h1>/);
    assert.match(
      again.body,
      /href="\/authn\/forgot-password\/html-form\/username-password">Ask for a new link</,
    );
    const replay = await person.submit(form, {
      new_password: 'yet another one 9',
      confirm_password: 'yet another one 9',
    });
    assert.equal(replay.status, 410, 'a second use of the form is refused');
    assert.equal(await canLogIn(server, 'pr-flow', NEW_PASSWORD), true);
    const [reset] = (await events(server, 'password.reset')).filter((e) => e.accountId === 'pr-flow');
    assert.equal(reset?.detail?.['sessions_ended'], 1);
    assert.ok(!JSON.stringify(await events(server, 'password.reset_requested')).includes(tokenValue));
  });

  test('a link asked for during an authorization request continues it after the reset', async () => {
    await signUp(server, 'pr-return', { email: 'pr-return@example.com' });
    const returnTo =
      '/oauth/v2/oauth-authorize?client_id=www&response_type=code&scope=openid&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback';
    const since = smtp.messages.length;
    const agent = new UserAgent();
    const page = await agent.request(`${forgotUrl(server)}?return_to=${encodeURIComponent(returnTo)}`);
    await agent.submit(page, { identifier: 'pr-return' });
    const { link } = await linkFor('pr-return@example.com', since);
    assert.equal(new URL(link).searchParams.get('return_to'), returnTo);
    const form = await agent.request(link);
    const done = await agent.submit(form, { new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    const href = unescapeHtml(/<a class="button" href="([^"]*)">Log in</.exec(done.body)?.[1] ?? '');
    assert.equal(href, returnTo);
  });

  test('only the newest link works, and an expired one is refused at 15 minutes', async () => {
    await signUp(server, 'pr-expiry', { email: 'pr-expiry@example.com' });
    let since = smtp.messages.length;
    await ask('pr-expiry');
    const first = (await linkFor('pr-expiry@example.com', since)).link;
    since = smtp.messages.length;
    await ask('pr-expiry');
    const second = (await linkFor('pr-expiry@example.com', since)).link;
    assert.equal((await new UserAgent().request(first)).status, 410, 'the older link ended');
    clock.advance(15 * 60 - 1);
    assert.equal((await new UserAgent().request(second)).status, 200);
    clock.advance(1);
    assert.equal((await new UserAgent().request(second)).status, 410);
  });

  test('hostile links and forms get the expired page or a 4xx, never a 500', async () => {
    const base = `${server.url}/authn/reset-password`;
    const agent = new UserAgent();
    for (const query of [
      '',
      '?token=',
      '?token=a&token=b',
      `?token=${'A'.repeat(5000)}`,
      '?token=%00',
      '?token[x]=1',
    ])
      assert.ok([400, 410].includes((await agent.request(base + query)).status), query);
    const page = await agent.request(forgotUrl(server));
    const csrf = unescapeHtml(/name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
    for (const form of [
      { _csrf: csrf, token: 'x', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD },
      { _csrf: csrf, token: 'A'.repeat(43), new_password: 'x'.repeat(300), confirm_password: '' },
    ])
      assert.equal((await agent.request(base, { form })).status, 410);
    const long = await agent.request(forgotUrl(server), {
      form: { _csrf: csrf, identifier: 'x'.repeat(5000) },
    });
    assert.equal(long.status, 400);
    const nul = await agent.request(forgotUrl(server), { form: { _csrf: csrf, identifier: 'pr\u0000x' } });
    assert.equal(nul.status, 400);
  });

  test('the request log line names the path only, never the token in the query', () => {
    const logger = createLogger('info') as { serializers: { req(r: object): Record<string, unknown> } };
    const line = logger.serializers.req({
      id: 'r1',
      method: 'GET',
      url: '/authn/reset-password?token=SECRET',
    });
    assert.deepEqual(line, { id: 'r1', method: 'GET', path: '/authn/reset-password' });
  });
});
