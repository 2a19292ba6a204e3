// The account page's sessions over HTTP: listed with this one marked, ended one by one (with their grants),
// never another account's; and hostile input on every security POST answered without a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  accountId,
  accountPage,
  accountUrl,
  canLogIn,
  events,
  secondBrowser,
  withTotp,
} from '../fixtures/account.ts';
import { basic, findForm, isActive, PASSWORD, signUp, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
/** TOTP configured, no client policy needing it: only a right password could change a factor past the window. */
let plain: TestServer;
before(async () => {
  plain = await startServer({
    clock,
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'app-codes', type: 'totp' },
      ],
      clients: [wwwClient],
    },
  });
});
after(() => plain?.close());

describe('account security: sessions', () => {
  /** Submits the end form of a session that is not this browser's. */
  const endOther = (agent: UserAgent, res: Response, csrf?: string) => {
    const item =
      /<li><strong[\s\S]*?action="([^"]*\/sessions\/[\w-]+\/end)"[\s\S]*?name="_csrf" value="([^"]*)"/.exec(
        res.body,
      );
    assert.ok(item, 'another session is listed');
    return agent.follow(new URL(unescapeHtml(item[1]!), res.url).href, {
      form: { _csrf: csrf ?? unescapeHtml(item[2]!) },
    });
  };

  test('the page lists every session of the account with this one marked', async () => {
    const agent = await signUp(plain, 'ss-list');
    await secondBrowser(plain, 'ss-list');
    const res = await accountPage(plain, agent);
    const items =
      [...res.body.matchAll(/<ul class="sessions">([\s\S]*?)<\/ul>/g)][0]![1]!.match(/<li/g) ?? [];
    assert.equal(items.length, 2);
    assert.equal(res.body.match(/this browser/g)?.length, 1);
    assert.match(res.body, /From 127\.0\.0\.1\. Signed in/);
  });

  test('ending another session signs that browser out, revokes its grants and is audited', async () => {
    const agent = await signUp(plain, 'ss-end');
    const other = await secondBrowser(plain, 'ss-end');
    const tokens = await tokensFor(plain, other, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const res = await endOther(agent, await accountPage(plain, agent));
    assert.equal(res.status, 200);
    assert.match(res.body, /The session was ended/);
    assert.match((await accountPage(plain, other)).body, /<h1>Log in<\/h1>/);
    assert.match((await accountPage(plain, agent)).body, /<h1>Your account<\/h1>/);
    assert.equal(await isActive(plain, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    const id = await accountId(plain, 'ss-end');
    assert.ok(
      (await events(plain, 'session.ended')).some(
        (e) => e.accountId === id && e.detail?.['reason'] === 'account_page',
      ),
    );
  });

  test("another account's session cannot be ended: 404, and it stays signed in", async () => {
    const agent = await signUp(plain, 'ss-mine');
    const victim = await signUp(plain, 'ss-victim');
    const theirs = findForm(await accountPage(plain, victim), /\/sessions\/[\w-]+\/end$/);
    const mine = findForm(await accountPage(plain, agent), /\/sessions\/[\w-]+\/end$/);
    const res = await agent.follow(theirs.action, { form: mine.fields });
    assert.equal(res.status, 404);
    assert.match(res.body, /That session is not one of yours/);
    assert.match((await accountPage(plain, victim)).body, /<h1>Your account<\/h1>/);
  });

  test('ending a session without the CSRF token is refused', async () => {
    const agent = await signUp(plain, 'ss-csrf');
    const other = await secondBrowser(plain, 'ss-csrf');
    const res = await endOther(agent, await accountPage(plain, agent), 'forged');
    assert.equal(res.status, 403);
    assert.match((await accountPage(plain, other)).body, /<h1>Your account<\/h1>/);
  });

  test('every security action needs a signed-in session: without one it goes to the login page', async () => {
    const agent = await signUp(plain, 'ss-anon');
    const form = findForm(await accountPage(plain, agent), /\/account\/password$/);
    const anon = new UserAgent();
    for (const [k, v] of agent.cookies) if (k !== 'tessera_sso') anon.cookies.set(k, v);
    const res = await anon.request(form.action, {
      form: {
        ...form.fields,
        current_password: PASSWORD,
        new_password: 'x'.repeat(12),
        confirm_password: 'x'.repeat(12),
      },
    });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /\/authn\/authenticate\//);
    assert.equal(await canLogIn(plain, 'ss-anon', PASSWORD), true, 'the password is unchanged');
  });
});

describe('account security: hostile input', () => {
  test('every security POST answers hostile fields and paths with a page, never a 5xx, and changes nothing', async () => {
    const { agent } = await withTotp(plain, clock, 'hostile-user');
    // Past the re-authentication window, so only a right password could change a factor.
    clock.advance(11 * 60);
    const csrf = findForm(await accountPage(plain, agent), /\/account\/password$/).fields;
    const id = await accountId(plain, 'hostile-user');
    const hashBefore = (await plain.tessera.store.accounts.findById(id))!.passwordHash;
    const hostile = ['a\u0000b', 'x'.repeat(100_000), '%00', '<script>', '\ud800', '../../etc'];
    const fields = ['current_password', 'new_password', 'confirm_password', 'code', 'name'];
    const routes = [
      '/totp',
      '/totp/remove',
      '/totp/recovery-codes',
      '/password',
      `/sessions/${encodeURIComponent('a\u0000b')}/end`,
      '/sessions/..%2F..%2Fx/end',
      `/passkeys/${encodeURIComponent('\u0000')}/rename`,
      `/passkeys/${'p'.repeat(2000)}/remove`,
      '/passkeys',
    ];
    for (const route of routes)
      for (const value of hostile) {
        const form = { ...csrf, ...Object.fromEntries(fields.map((f) => [f, value])) };
        const res = await agent.request(`${accountUrl(plain)}${route}`, { form });
        assert.ok(res.status < 500, `${route} with ${JSON.stringify(value.slice(0, 10))}: ${res.status}`);
        assert.doesNotMatch(res.body, /<script>/, 'nothing typed comes back unescaped');
      }
    assert.ok(await plain.tessera.store.totp.find(id), 'TOTP is still there');
    // The wrong current passwords count against the login throttle, so the hash is compared instead.
    assert.equal(
      (await plain.tessera.store.accounts.findById(id))!.passwordHash,
      hashBefore,
      'the password is unchanged',
    );
  });
});
