// The account page's security part over HTTP: TOTP enrol/remove/recovery codes, the password change and
// ending sessions, each CSRF-checked, re-authenticated where sensitive, refused with its reason, audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { recoveryCodeHash } from '../../src/authn/totp/recovery.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import type { AuditType } from '../../src/store/ports/index.ts';
import { basic, findForm, isActive, logIn, PASSWORD, signUp, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
const authenticators = [
  { id: 'username-password', type: 'html-form' },
  { id: 'app-codes', type: 'totp', issuer: 'Example' },
];
const mfa = { id: 'mfa', name: 'Password and app code', steps: [['username-password'], ['app-codes']] };
/** `strict`: a client names the MFA policy, so an account's last TOTP cannot go; `plain`: none does. */
let strict: TestServer;
let plain: TestServer;

before(async () => {
  strict = await startServer({
    clock,
    config: {
      authenticators,
      policies: [mfa],
      clients: [wwwClient, { ...wwwClient, client_id: 'bank', authentication_policies: ['mfa'] }],
    },
  });
  plain = await startServer({ clock, config: { authenticators, policies: [mfa], clients: [wwwClient] } });
});
after(async () => {
  await strict?.close();
  await plain?.close();
});

const accountUrl = (server: TestServer) => `${server.url}/authn/account`;
const page = (server: TestServer, agent: UserAgent) => agent.follow(accountUrl(server));
const nowCode = (key: string) => codeAt(key, stepAt(clock.nowSeconds()));
const codesOf = (res: Response) =>
  [...res.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
const post = (agent: UserAgent, res: Response, action: RegExp, fields: Record<string, string> = {}) => {
  const form = findForm(res, action);
  return agent.follow(form.action, { form: { ...form.fields, ...fields } });
};
const events = (server: TestServer, type: AuditType) =>
  server.tessera.store.audit.list({ types: [type], limit: 100 });
const accountId = async (server: TestServer, username: string) =>
  (await server.tessera.store.accounts.findByUsername(username))!.id;

/** Whether a fresh browser can sign in with this password. */
const canLogInTo = async (server: TestServer, username: string, password: string) => {
  const agent = new UserAgent();
  const login = await agent.follow(accountUrl(server));
  const done = await agent.submit(login, { username, password });
  return /<h1>Your account<\/h1>/.test(done.body);
};
const canLogIn = (username: string, password: string) => canLogInTo(strict, username, password);
/** Signs up and turns TOTP on from the account page; returns the agent, the key and the recovery codes. */
async function withTotp(server: TestServer, username: string) {
  const agent = await signUp(server, username);
  const enrol = await agent.follow(`${accountUrl(server)}/totp`);
  assert.equal(enrol.status, 200, enrol.body.slice(0, 300));
  const key = unescapeHtml(/id="totp-key">([^<]+)</.exec(enrol.body)![1]!).replace(/ /g, '');
  const saved = await agent.submit(enrol, { code: nowCode(key) });
  assert.equal(saved.status, 200, saved.body.slice(0, 300));
  clock.advance(30);
  return { agent, key, codes: codesOf(saved) };
}

/** A second browser of the same account, signed in through the login page. */
async function secondBrowser(server: TestServer, username: string): Promise<UserAgent> {
  const agent = new UserAgent();
  const done = await logIn(agent, await agent.follow(accountUrl(server)), username);
  assert.match(done.body, /<h1>Your account<\/h1>/);
  return agent;
}

describe('account security: TOTP', () => {
  test('the page offers an authenticator app; enrolling shows a QR code and key, then ten recovery codes, and is audited', async () => {
    const agent = await signUp(strict, 'ts-enrol');
    const before = await page(strict, agent);
    assert.match(before.body, /Set up an authenticator app/);
    assert.doesNotMatch(before.body, /Remove authenticator app/);
    const enrol = await agent.follow(`${accountUrl(strict)}/totp`);
    assert.match(enrol.body, /<svg/);
    const key = unescapeHtml(/id="totp-key">([^<]+)</.exec(enrol.body)![1]!).replace(/ /g, '');
    const wrong = await agent.submit(enrol, { code: '000000' === nowCode(key) ? '111111' : '000000' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /That code is not valid/);
    const saved = await agent.submit(enrol, { code: nowCode(key) });
    assert.equal(codesOf(saved).length, 10, 'ten recovery codes, shown once');
    const after = await page(strict, agent);
    assert.match(after.body, /<strong>Authenticator app<\/strong>/);
    assert.match(after.body, /10 of 10 recovery codes left/);
    const id = await accountId(strict, 'ts-enrol');
    const enrolled = (await events(strict, 'factor.enrolled')).filter((e) => e.accountId === id);
    assert.equal(enrolled.length, 1);
    assert.equal(enrolled[0]!.detail?.['factor'], 'otp');
  });

  test('enrolling without the CSRF token is refused and turns nothing on', async () => {
    const agent = await signUp(strict, 'ts-enrol-csrf');
    const enrol = await agent.follow(`${accountUrl(strict)}/totp`);
    const key = unescapeHtml(/id="totp-key">([^<]+)</.exec(enrol.body)![1]!).replace(/ /g, '');
    const res = await agent.request(`${accountUrl(strict)}/totp`, {
      form: { _csrf: 'forged', code: nowCode(key) },
    });
    assert.equal(res.status, 403);
    assert.equal(
      (await strict.tessera.store.totp.find(await accountId(strict, 'ts-enrol-csrf')))?.confirmedAt,
      null,
    );
  });

  test('removing the last factor a client policy needs is refused with the policy named, and it stays', async () => {
    const { agent } = await withTotp(strict, 'ts-last');
    const res = await post(agent, await page(strict, agent), /\/totp\/remove$/);
    assert.equal(res.status, 409);
    assert.match(unescapeHtml(res.body), /signing in with "Password and app code" needs a second factor/);
    assert.match(res.body, /<strong>Authenticator app<\/strong>/, 'still listed');
    assert.ok(await strict.tessera.store.totp.find(await accountId(strict, 'ts-last')));
  });

  test('where no client needs it, TOTP is removed, audited, and its recovery codes go with it', async () => {
    const { agent, codes } = await withTotp(plain, 'tp-remove');
    const res = await post(agent, await page(plain, agent), /\/totp\/remove$/);
    assert.equal(res.status, 200);
    assert.match(res.body, /Your authenticator app was removed/);
    const id = await accountId(plain, 'tp-remove');
    assert.equal(await plain.tessera.store.totp.find(id), undefined);
    assert.equal(await plain.tessera.store.totp.useRecoveryCode(id, recoveryCodeHash(codes[0]!), 0), false);
    assert.ok((await events(plain, 'factor.removed')).some((e) => e.accountId === id));
  });

  test('removing without the CSRF token is refused and TOTP stays', async () => {
    const { agent } = await withTotp(plain, 'tp-remove-csrf');
    const res = await agent.request(`${accountUrl(plain)}/totp/remove`, { form: { _csrf: 'forged' } });
    assert.equal(res.status, 403);
    assert.ok(await plain.tessera.store.totp.find(await accountId(plain, 'tp-remove-csrf')));
  });

  test('after ten minutes, removing asks for the current password: none or a wrong one is refused, the right one removes', async () => {
    const { agent } = await withTotp(plain, 'tp-stale');
    clock.advance(11 * 60);
    const stale = await page(plain, agent);
    assert.match(stale.body, /asks for your current password/);
    const none = await post(agent, stale, /\/totp\/remove$/);
    assert.equal(none.status, 401);
    assert.match(none.body, /Enter your current password/);
    const wrong = await post(agent, stale, /\/totp\/remove$/, { current_password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /That is not your current password/);
    assert.ok(await plain.tessera.store.totp.find(await accountId(plain, 'tp-stale')));
    const right = await post(agent, stale, /\/totp\/remove$/, { current_password: PASSWORD });
    assert.equal(right.status, 200);
    assert.equal(await plain.tessera.store.totp.find(await accountId(plain, 'tp-stale')), undefined);
  });

  test('wrong current passwords count against the login throttle: after ten, even the right one waits (429)', async () => {
    const { agent } = await withTotp(plain, 'tp-throttle');
    clock.advance(11 * 60);
    const stale = await page(plain, agent);
    for (let i = 0; i < 10; i++)
      assert.equal(
        (await post(agent, stale, /\/totp\/remove$/, { current_password: `wrong ${i}` })).status,
        401,
      );
    const blocked = await post(agent, stale, /\/totp\/remove$/, { current_password: PASSWORD });
    assert.equal(blocked.status, 429);
    assert.match(blocked.body, /Too many wrong passwords/);
    assert.ok(await plain.tessera.store.totp.find(await accountId(plain, 'tp-throttle')));
  });

  test('new recovery codes replace the old ones, are shown once and audited without a code', async () => {
    const { agent, codes } = await withTotp(strict, 'ts-codes');
    const res = await post(agent, await page(strict, agent), /\/totp\/recovery-codes$/);
    assert.equal(res.status, 200);
    const fresh = codesOf(res);
    assert.equal(fresh.length, 10);
    assert.ok(fresh.every((c) => !codes.includes(c)));
    const id = await accountId(strict, 'ts-codes');
    assert.equal(await strict.tessera.store.totp.useRecoveryCode(id, recoveryCodeHash(codes[0]!), 0), false);
    assert.equal(await strict.tessera.store.totp.useRecoveryCode(id, recoveryCodeHash(fresh[0]!), 0), true);
    const logged = (await events(strict, 'recovery_codes.regenerated')).filter((e) => e.accountId === id);
    assert.equal(logged.length, 1);
    const text = JSON.stringify(logged);
    for (const c of [...codes, ...fresh]) assert.ok(!text.includes(c) && !text.includes(c.replace('-', '')));
  });

  test('new recovery codes without the CSRF token, or stale without the password, are refused', async () => {
    const { agent } = await withTotp(strict, 'ts-codes-refused');
    const forged = await agent.request(`${accountUrl(strict)}/totp/recovery-codes`, {
      form: { _csrf: 'forged' },
    });
    assert.equal(forged.status, 403);
    clock.advance(11 * 60);
    const res = await post(agent, await page(strict, agent), /\/totp\/recovery-codes$/);
    assert.equal(res.status, 401);
    assert.equal(codesOf(res).length, 0);
  });
});

describe('account security: password', () => {
  const change = (agent: UserAgent, res: Response, current: string, next: string, confirm = next) =>
    post(agent, res, /\/account\/password$/, {
      current_password: current,
      new_password: next,
      confirm_password: confirm,
    });

  test('a wrong current password is refused with the reason, and the old password still works', async () => {
    const agent = await signUp(strict, 'pw-wrong');
    const res = await change(agent, await page(strict, agent), 'not my password', 'a new password 123');
    assert.equal(res.status, 400);
    assert.match(res.body, /id="current_password-error">That is not your current password/);
    assert.equal(await canLogIn('pw-wrong', PASSWORD), true);
    assert.equal(await canLogIn('pw-wrong', 'a new password 123'), false);
  });

  test('a short or mistyped new password is refused field by field', async () => {
    const agent = await signUp(strict, 'pw-invalid');
    const short = await change(agent, await page(strict, agent), PASSWORD, 'short');
    assert.match(short.body, /id="new_password-error">Use at least 8 characters/);
    const mistyped = await change(
      agent,
      await page(strict, agent),
      PASSWORD,
      'a new password 123',
      'a new password 124',
    );
    assert.match(mistyped.body, /id="confirm_password-error">The two new passwords are not the same/);
    assert.equal(await canLogIn('pw-invalid', PASSWORD), true);
  });

  test('the change works with the current password, ends the other sessions and their grants, keeps this one, and is audited', async () => {
    const agent = await signUp(strict, 'pw-change');
    const other = await secondBrowser(strict, 'pw-change');
    const tokens = await tokensFor(strict, other, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const res = await change(agent, await page(strict, agent), PASSWORD, 'a new password 123');
    assert.equal(res.status, 200);
    assert.match(res.body, /Your password was changed/);
    assert.match((await page(strict, other)).body, /<h1>Log in<\/h1>/, 'the other browser is signed out');
    assert.equal(await isActive(strict, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    assert.match((await page(strict, agent)).body, /<h1>Your account<\/h1>/, 'this browser stays signed in');
    assert.equal(await canLogIn('pw-change', 'a new password 123'), true);
    assert.equal(await canLogIn('pw-change', PASSWORD), false);
    const id = await accountId(strict, 'pw-change');
    const logged = (await events(strict, 'password.changed')).filter((e) => e.accountId === id);
    assert.equal(logged[0]?.detail?.['sessions_ended'], 1);
    assert.ok(!JSON.stringify(logged).includes('a new password'));
    const stored = (await strict.tessera.store.accounts.findById(id))!.passwordHash;
    assert.match(stored, /^\$argon2id\$/);
  });

  test('changing the password without the CSRF token is refused', async () => {
    const agent = await signUp(strict, 'pw-csrf');
    const res = await agent.request(`${accountUrl(strict)}/password`, {
      form: {
        _csrf: 'forged',
        current_password: PASSWORD,
        new_password: 'x'.repeat(12),
        confirm_password: 'x'.repeat(12),
      },
    });
    assert.equal(res.status, 403);
    assert.equal(await canLogIn('pw-csrf', PASSWORD), true);
  });
});

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
    const agent = await signUp(strict, 'ss-list');
    await secondBrowser(strict, 'ss-list');
    const res = await page(strict, agent);
    const items =
      [...res.body.matchAll(/<ul class="sessions">([\s\S]*?)<\/ul>/g)][0]![1]!.match(/<li/g) ?? [];
    assert.equal(items.length, 2);
    assert.equal(res.body.match(/this browser/g)?.length, 1);
    assert.match(res.body, /From 127\.0\.0\.1\. Signed in/);
  });

  test('ending another session signs that browser out, revokes its grants and is audited', async () => {
    const agent = await signUp(strict, 'ss-end');
    const other = await secondBrowser(strict, 'ss-end');
    const tokens = await tokensFor(strict, other, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const res = await endOther(agent, await page(strict, agent));
    assert.equal(res.status, 200);
    assert.match(res.body, /The session was ended/);
    assert.match((await page(strict, other)).body, /<h1>Log in<\/h1>/);
    assert.match((await page(strict, agent)).body, /<h1>Your account<\/h1>/);
    assert.equal(await isActive(strict, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    const id = await accountId(strict, 'ss-end');
    assert.ok(
      (await events(strict, 'session.ended')).some(
        (e) => e.accountId === id && e.detail?.['reason'] === 'account_page',
      ),
    );
  });

  test("another account's session cannot be ended: 404, and it stays signed in", async () => {
    const agent = await signUp(strict, 'ss-mine');
    const victim = await signUp(strict, 'ss-victim');
    const theirs = findForm(await page(strict, victim), /\/sessions\/[\w-]+\/end$/);
    const mine = findForm(await page(strict, agent), /\/sessions\/[\w-]+\/end$/);
    const res = await agent.follow(theirs.action, { form: mine.fields });
    assert.equal(res.status, 404);
    assert.match(res.body, /That session is not one of yours/);
    assert.match((await page(strict, victim)).body, /<h1>Your account<\/h1>/);
  });

  test('ending a session without the CSRF token is refused', async () => {
    const agent = await signUp(strict, 'ss-csrf');
    const other = await secondBrowser(strict, 'ss-csrf');
    const res = await endOther(agent, await page(strict, agent), 'forged');
    assert.equal(res.status, 403);
    assert.match((await page(strict, other)).body, /<h1>Your account<\/h1>/);
  });

  test('every security action needs a signed-in session: without one it goes to the login page', async () => {
    const agent = await signUp(strict, 'ss-anon');
    const form = findForm(await page(strict, agent), /\/account\/password$/);
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
    assert.equal(await canLogIn('ss-anon', PASSWORD), true, 'the password is unchanged');
  });
});

describe('account security: hostile input', () => {
  test('every security POST answers hostile fields and paths with a page, never a 5xx, and changes nothing', async () => {
    const { agent } = await withTotp(plain, 'hostile-user');
    // Past the re-authentication window, so only a right password could change a factor.
    clock.advance(11 * 60);
    const csrf = findForm(await page(plain, agent), /\/account\/password$/).fields;
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
