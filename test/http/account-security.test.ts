// The account page's security part over HTTP: TOTP enrol/remove/recovery codes and the password change,
// each CSRF-checked, re-authenticated where sensitive, refused with its reason, audited (sessions:
// account-sessions.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { recoveryCodeHash } from '../../src/authn/totp/recovery.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  accountId,
  accountPage,
  accountUrl,
  canLogIn,
  codesOf,
  events,
  post,
  secondBrowser,
  withTotp,
} from '../fixtures/account.ts';
import { basic, isActive, logIn, PASSWORD, signUp, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Response, type UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

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

const nowCode = (key: string) => codeAt(key, stepAt(clock.nowSeconds()));

describe('account security: TOTP', () => {
  test('the page offers an authenticator app; enrolling shows a QR code and key, then ten recovery codes, and is audited', async () => {
    const agent = await signUp(strict, 'ts-enrol');
    const before = await accountPage(strict, agent);
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
    const after = await accountPage(strict, agent);
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
    const { agent } = await withTotp(strict, clock, 'ts-last');
    const res = await post(agent, await accountPage(strict, agent), /\/totp\/remove$/);
    assert.equal(res.status, 409);
    assert.match(unescapeHtml(res.body), /signing in with "Password and app code" needs a second factor/);
    assert.match(res.body, /<strong>Authenticator app<\/strong>/, 'still listed');
    assert.ok(await strict.tessera.store.totp.find(await accountId(strict, 'ts-last')));
  });

  test('where no client needs it, TOTP is removed, audited, and its recovery codes go with it', async () => {
    const { agent, codes } = await withTotp(plain, clock, 'tp-remove');
    const res = await post(agent, await accountPage(plain, agent), /\/totp\/remove$/);
    assert.equal(res.status, 200);
    assert.match(res.body, /Your authenticator app was removed/);
    const id = await accountId(plain, 'tp-remove');
    assert.equal(await plain.tessera.store.totp.find(id), undefined);
    assert.equal(await plain.tessera.store.totp.useRecoveryCode(id, recoveryCodeHash(codes[0]!), 0), false);
    assert.ok((await events(plain, 'factor.removed')).some((e) => e.accountId === id));
  });

  test('removing without the CSRF token is refused and TOTP stays', async () => {
    const { agent } = await withTotp(plain, clock, 'tp-remove-csrf');
    const res = await agent.request(`${accountUrl(plain)}/totp/remove`, { form: { _csrf: 'forged' } });
    assert.equal(res.status, 403);
    assert.ok(await plain.tessera.store.totp.find(await accountId(plain, 'tp-remove-csrf')));
  });

  test('after ten minutes, removing asks for the current password: none or a wrong one is refused, the right one removes', async () => {
    const { agent } = await withTotp(plain, clock, 'tp-stale');
    clock.advance(11 * 60);
    const stale = await accountPage(plain, agent);
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

  test('a stale session can sign in again instead: the link leads to the login page and back, fresh', async () => {
    const { agent } = await withTotp(plain, clock, 'tp-again');
    clock.advance(11 * 60);
    const stale = await accountPage(plain, agent);
    const link = unescapeHtml(/<a href="([^"]+)">Sign in again<\/a>/.exec(stale.body)![1]!);
    const login = await agent.follow(new URL(link, plain.url).href);
    const back = await logIn(agent, login, 'tp-again');
    assert.match(back.body, /<h1>Your account<\/h1>/);
    assert.doesNotMatch(back.body, /asks for your current password/);
    const removed = await post(agent, back, /\/totp\/remove$/);
    assert.equal(removed.status, 200);
  });

  test('wrong current passwords count against the login throttle: after ten, even the right one waits (429)', async () => {
    const { agent } = await withTotp(plain, clock, 'tp-throttle');
    clock.advance(11 * 60);
    const stale = await accountPage(plain, agent);
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
    const { agent, codes } = await withTotp(strict, clock, 'ts-codes');
    const res = await post(agent, await accountPage(strict, agent), /\/totp\/recovery-codes$/);
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
    const { agent } = await withTotp(strict, clock, 'ts-codes-refused');
    const forged = await agent.request(`${accountUrl(strict)}/totp/recovery-codes`, {
      form: { _csrf: 'forged' },
    });
    assert.equal(forged.status, 403);
    clock.advance(11 * 60);
    const res = await post(agent, await accountPage(strict, agent), /\/totp\/recovery-codes$/);
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
    const res = await change(
      agent,
      await accountPage(strict, agent),
      'not my password',
      'a new password 123',
    );
    assert.equal(res.status, 400);
    assert.match(res.body, /id="current_password-error">That is not your current password/);
    assert.equal(await canLogIn(strict, 'pw-wrong', PASSWORD), true);
    assert.equal(await canLogIn(strict, 'pw-wrong', 'a new password 123'), false);
  });

  test('a short or mistyped new password is refused field by field', async () => {
    const agent = await signUp(strict, 'pw-invalid');
    const short = await change(agent, await accountPage(strict, agent), PASSWORD, 'short');
    assert.match(short.body, /id="new_password-error">Use at least 8 characters/);
    const mistyped = await change(
      agent,
      await accountPage(strict, agent),
      PASSWORD,
      'a new password 123',
      'a new password 124',
    );
    assert.match(mistyped.body, /id="confirm_password-error">The two new passwords are not the same/);
    assert.equal(await canLogIn(strict, 'pw-invalid', PASSWORD), true);
  });

  test('the change works with the current password, ends the other sessions and their grants, keeps this one, and is audited', async () => {
    const agent = await signUp(strict, 'pw-change');
    const other = await secondBrowser(strict, 'pw-change');
    const tokens = await tokensFor(strict, other, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const res = await change(agent, await accountPage(strict, agent), PASSWORD, 'a new password 123');
    assert.equal(res.status, 200);
    assert.match(res.body, /Your password was changed/);
    assert.match(
      (await accountPage(strict, other)).body,
      /<h1>Log in<\/h1>/,
      'the other browser is signed out',
    );
    assert.equal(await isActive(strict, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    assert.match(
      (await accountPage(strict, agent)).body,
      /<h1>Your account<\/h1>/,
      'this browser stays signed in',
    );
    assert.equal(await canLogIn(strict, 'pw-change', 'a new password 123'), true);
    assert.equal(await canLogIn(strict, 'pw-change', PASSWORD), false);
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
    assert.equal(await canLogIn(strict, 'pw-csrf', PASSWORD), true);
  });
});
