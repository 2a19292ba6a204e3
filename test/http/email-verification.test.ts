// Email verification over HTTP with a real SMTP server on loopback: registration and login wait for the link read
// from the received message, the link's page uses nothing until its button is pressed, the authorization request
// carries on, and a used, expired or unknown link gets one page that tells nothing about any account.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { FixedClock } from '../../src/shared/clock.ts';
import { authorizeUrl, basic, CALLBACK, callback, PASSWORD, token } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
const REGISTER = '/authn/register/html-form/username-password';
const LOGIN = '/authn/authenticate/html-form/username-password';

let server: TestServer;
let smtp: SmtpSink;

before(async () => {
  smtp = await startSmtpSink();
  server = await startServer({
    clock,
    config: {
      server: { email: { smtp_url: smtp.url, from: 'Example Login <login@example.com>' } },
      authenticators: [{ id: 'username-password', type: 'html-form', require_verified_email: true }],
      clients: [wwwClient],
    },
  });
});
after(async () => {
  await server?.close();
  await smtp?.close();
});

/** The newest message to `to` and the link in its text. */
async function linkFor(to: string, after = 0): Promise<{ mail: ReceivedMail; link: string }> {
  const mail = await smtp.waitFor((m) => m.to.includes(to) && smtp.messages.indexOf(m) >= after);
  assert.equal(mail.links.length, 1, mail.text);
  return { mail, link: mail.links[0]! };
}

/** The hidden fields and action of the form whose submit button says `button`. */
function formWith(page: Response, button: string): { action: string; fields: Record<string, string> } {
  for (const form of page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)) {
    if (!form[2]!.includes(`>${button}</button>`)) continue;
    const fields: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g))
      fields[unescapeHtml(input[1]!)] = unescapeHtml(input[2]!);
    return { action: new URL(unescapeHtml(form[1]!), page.url).href, fields };
  }
  throw new Error(`no form with a "${button}" button on ${page.url}: ${page.body.slice(0, 400)}`);
}

const press = (agent: UserAgent, page: Response, button: string) => {
  const { action, fields } = formWith(page, button);
  return agent.follow(action, { form: fields });
};

const authorize = (state: string) =>
  authorizeUrl(server, {
    response_type: 'code',
    client_id: 'www',
    redirect_uri: CALLBACK,
    scope: 'openid email',
    // OIDC Core §5.5: the ID token carries account claims that the claims parameter asks for.
    claims: JSON.stringify({ id_token: { email: null, email_verified: null } }),
    state,
  });

async function registerFrom(agent: UserAgent, start: string, username: string, email: string) {
  const login = await agent.follow(start);
  const href = /href="([^"]*register[^"]*)"/.exec(login.body)?.[1];
  const form = await agent.follow(new URL(unescapeHtml(href ?? REGISTER), server.url).href);
  return agent.submit(form, { username, password: PASSWORD, email });
}

describe('registration with require_verified_email', () => {
  test('the form asks for the address; without one nothing is created', async () => {
    const agent = new UserAgent();
    const form = await agent.request(server.url + REGISTER);
    assert.match(form.body, /<label for="email">Email<\/label>/, 'not marked optional');
    assert.match(form.body, /<input id="email"[^>]* required/);
    const refused = await agent.submit(form, { username: 'nomail', password: PASSWORD, email: '' });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /id="email-error">Enter your email address/);
    assert.equal(await server.tessera.store.accounts.findByUsername('nomail'), undefined);
  });

  test('registering sends the link and shows "Check your email"; opening it (GET) uses nothing, pressing the button verifies, signs in and continues the authorization request', async () => {
    const agent = new UserAgent();
    const checking = await registerFrom(agent, authorize('s1'), 'vera', 'vera@example.com');
    assert.equal(checking.status, 200);
    assert.match(checking.url, /\/authn\/check-email$/);
    assert.match(checking.body, /<h1>Check your email<\/h1>/);
    assert.match(checking.body, /open the link we sent to <strong>v•••@example\.com<\/strong>/);
    assert.equal(agent.cookies.get('tessera_sso'), undefined, 'no SSO session yet');

    const { mail, link } = await linkFor('vera@example.com');
    assert.equal(mail.from, '"Example Login" <login@example.com>');
    assert.equal(mail.subject, `Confirm your email address for ${new URL(server.url).host}`);
    assert.ok(link.startsWith(`${server.url}/authn/verify-email?token=`), link);
    assert.deepEqual(mail.htmlLinks, [link, link], 'the HTML part has the same link');

    // A mail scanner (no cookies) fetching the link twice uses nothing up.
    for (let i = 0; i < 2; i++) {
      const scanned = await fetch(link);
      assert.equal(scanned.status, 200);
      assert.match(await scanned.text(), />Verify email address<\/button>/);
    }
    const page = await agent.request(link);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const done = await agent.request(formWith(page, 'Verify email address').action, {
      form: formWith(page, 'Verify email address').fields,
    });
    assert.equal(done.status, 303);
    assert.equal(new URL(done.headers.get('location')!, server.url).pathname, '/oauth/v2/oauth-authorize');
    assert.ok(agent.cookies.get('tessera_sso'), 'signed in');
    const code = callback(await agent.follow(new URL(done.headers.get('location')!, server.url).href)).get(
      'code',
    );
    assert.ok(code);
    const tokens = await token(
      server,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
      basic('www', WWW_SECRET),
    );
    assert.equal(tokens.status, 200, tokens.text);
    const claims = decodeJwt(String(tokens.json['id_token']));
    assert.equal(claims['email'], 'vera@example.com');
    assert.equal(claims['email_verified'], true);

    const again = await agent.request(link);
    assert.equal(again.status, 410, 'used');
    assert.match(again.body, /<h1>This link has expired or was already used<\/h1>/);
  });
});

describe('login of an account whose address is not verified', () => {
  test('the right password shows "Check your email" and starts no session; the wrong one says only that', async () => {
    await registerFrom(new UserAgent(), server.url + LOGIN, 'lena', 'lena@example.com');
    const before = smtp.messages.length;
    const agent = new UserAgent();
    const wrong = await agent.submit(await agent.request(server.url + LOGIN), {
      username: 'lena',
      password: 'nope nope',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Incorrect username or password/);
    const checking = await agent.submit(await agent.follow(authorize('s2')), {
      username: 'lena',
      password: PASSWORD,
    });
    assert.match(checking.body, /<h1>Check your email<\/h1>/);
    assert.equal(agent.cookies.get('tessera_sso'), undefined);
    assert.equal(smtp.messages.length, before, 'the link sent at registration is still the one to use');

    const early = await press(agent, checking, 'Continue');
    assert.match(early.body, /id="check-email-notice">Your email address is not verified yet/);
    assert.equal(agent.cookies.get('tessera_sso'), undefined);
  });

  test('verified in another browser, the first one continues to the client with Continue', async () => {
    const agent = new UserAgent();
    const checking = await agent.submit(await agent.follow(authorize('s3')), {
      username: 'lena',
      password: PASSWORD,
    });
    const { link } = await linkFor('lena@example.com');
    const phone = new UserAgent();
    const verified = await press(phone, await phone.request(link), 'Verify email address');
    assert.equal(verified.status, 200);
    assert.match(verified.body, /<h1>Your email address is verified<\/h1>/);
    assert.match(verified.body, /l•••@example\.com/);
    assert.equal(phone.cookies.get('tessera_sso'), undefined, 'the link alone signs nobody in');
    const events = await server.tessera.store.audit.list({
      types: ['email.verified'],
      accountId: 'lena',
      limit: 5,
    });
    assert.equal(events.length, 1);

    const resumed = await agent.request(formWith(checking, 'Continue').action, {
      form: formWith(checking, 'Continue').fields,
    });
    assert.equal(resumed.status, 303);
    const query = callback(await agent.follow(new URL(resumed.headers.get('location')!, server.url).href));
    assert.equal(query.get('state'), 's3');
  });

  test('"Send the link again" sends a new link that ends the old one, up to a limit', async () => {
    await registerFrom(new UserAgent(), server.url + LOGIN, 'rosa', 'rosa@example.com');
    const { link: first } = await linkFor('rosa@example.com');
    const agent = new UserAgent();
    const checking = await agent.submit(await agent.request(server.url + LOGIN), {
      username: 'rosa',
      password: PASSWORD,
    });
    const count = smtp.messages.length;
    const resent = await press(agent, checking, 'Send the link again');
    assert.match(resent.body, /id="check-email-notice">We sent a new link/);
    const { link: second } = await linkFor('rosa@example.com', count);
    assert.notEqual(second, first);
    assert.equal((await agent.request(first)).status, 410, 'the older link no longer works');
    assert.equal((await agent.request(second)).status, 200);
    let last = resent;
    for (let i = 0; i < 4; i++) last = await press(agent, last, 'Send the link again');
    assert.match(last.body, /id="check-email-notice">We have sent several links already/);
  });

  test('an account without an address gives one on the page (a wrong one refused), and a mistyped one is corrected', async () => {
    const { hashPassword } = await import('../../src/authn/passwords.ts');
    await server.tessera.store.accounts.create({
      id: 'noah',
      username: 'noah',
      passwordHash: await hashPassword(PASSWORD),
      claims: { preferred_username: 'noah' },
      createdAt: clock.nowSeconds(),
    });
    const agent = new UserAgent();
    const checking = await agent.submit(await agent.request(server.url + LOGIN), {
      username: 'noah',
      password: PASSWORD,
    });
    assert.match(checking.body, /your account has none yet/);
    assert.match(checking.body, /<label for="email">Email address<\/label>/);
    const { action, fields } = formWith(checking, 'Send link');
    const wrong = await agent.request(action, { form: { ...fields, email: 'noah at example' } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /id="email-error">Enter an email address such as name@example\.com\./);
    assert.match(wrong.body, /value="noah at example"/);
    const count = smtp.messages.length;
    const typo = await agent.follow(action, { form: { ...fields, email: 'noah@exmaple.com' } });
    assert.match(typo.body, /open the link we sent to <strong>n•••@exmaple\.com<\/strong>/);
    const { link: typoLink } = await linkFor('noah@exmaple.com', count);
    assert.match(typo.body, /<summary>Wrong address\?<\/summary>/);
    const empty = await press(agent, typo, 'Send the link to this address');
    assert.equal(empty.status, 400, 'an empty address is refused');
    assert.match(empty.body, /<details class="alt" open>/, 'the form stays open with its error');
    const correct = formWith(typo, 'Send the link to this address');
    const corrected = await agent.follow(correct.action, {
      form: { ...correct.fields, email: 'noah@example.com' },
    });
    assert.match(corrected.body, /n•••@example\.com/);
    const { link } = await linkFor('noah@example.com', count);
    assert.equal((await agent.request(typoLink)).status, 410, 'the mistyped address link no longer works');
    const done = await press(agent, await agent.request(link), 'Verify email address');
    assert.match(done.url, /\/authn\/account/);
    const claims = (await server.tessera.store.accounts.findById('noah'))!.claims;
    assert.deepEqual([claims['email'], claims['email_verified']], ['noah@example.com', true]);
  });

  test('a pending-login cookie that was changed is not ours: back to the login page', async () => {
    const agent = new UserAgent();
    await agent.submit(await agent.request(server.url + LOGIN), { username: 'rosa', password: PASSWORD });
    const cookie = agent.cookies.get('tessera_pending_login')!;
    const [value, signature] = decodeURIComponent(cookie).split('.');
    const forged = JSON.parse(Buffer.from(value!, 'base64url').toString());
    forged.a = 'vera';
    agent.cookies.set(
      'tessera_pending_login',
      encodeURIComponent(`${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`),
    );
    const page = await agent.request(`${server.url}/authn/check-email`);
    assert.equal(page.status, 303);
    assert.doesNotMatch(page.body, /Check your email/);
  });
});

describe('the link page', () => {
  test('used, expired and unknown links, and tokens that are not tokens, get the same page and status', async () => {
    await registerFrom(new UserAgent(), server.url + LOGIN, 'otto', 'otto@example.com');
    const { link } = await linkFor('otto@example.com');
    clock.advance(24 * 3600);
    const expired = await fetch(link);
    clock.advance(-24 * 3600);
    const answers = [
      expired,
      await fetch(`${server.url}/authn/verify-email?token=${'A'.repeat(43)}`),
      await fetch(`${server.url}/authn/verify-email`),
      await fetch(`${server.url}/authn/verify-email?token=a&token=b`),
      await fetch(`${server.url}/authn/verify-email?token=${'x'.repeat(3000)}`),
      await fetch(`${server.url}/authn/verify-email?token[a]=1`),
    ];
    const bodies = await Promise.all(answers.map((a) => a.text()));
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.status, 410, `answer ${i}`);
      assert.equal(bodies[i], bodies[0], `answer ${i} reads the same`);
    }
    assert.match(bodies[0]!, /This link has expired or was already used/);
  });

  test('POST without the form token is refused; with garbage it is the same expired page, never a 500', async () => {
    const bare = await fetch(`${server.url}/authn/verify-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=abc',
    });
    assert.equal(bare.status, 403);
    const agent = new UserAgent();
    const page = await agent.request(`${server.url}/authn/verify-email?token=${'A'.repeat(43)}`);
    assert.equal(page.status, 410);
    const form = await agent.request(`${server.url}${REGISTER}`);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(form.body)![1]!;
    for (const token of ['', 'A'.repeat(43), '\u2028'.repeat(30), 'x'.repeat(5000)]) {
      const res = await agent.request(`${server.url}/authn/verify-email`, { form: { _csrf: csrf, token } });
      assert.equal(res.status, 410, JSON.stringify(token).slice(0, 20));
    }
  });
});
