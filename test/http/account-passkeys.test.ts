// Passkeys on the account page over HTTP: listed by name, renamed, removed unless a client policy needs the
// last one; another account's passkey is never touched; removal is CSRF-checked, re-authenticated, audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { findForm, PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, wwwClient } from '../fixtures/server.ts';
import { type Response, type UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;

before(async () => {
  server = await startServer({
    clock,
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'app-codes', type: 'totp' },
        { id: 'keys', type: 'passkey', passwordless: false },
      ],
      policies: [
        {
          id: 'two-step',
          name: 'Password, then a code or a passkey',
          steps: [['username-password'], ['app-codes', 'keys']],
        },
      ],
      clients: [wwwClient, { ...wwwClient, client_id: 'bank', authentication_policies: ['two-step'] }],
    },
  });
});
after(() => server?.close());

const accountUrl = () => `${server.url}/authn/account`;
const page = (agent: UserAgent) => agent.follow(accountUrl());
const store = () => server.tessera.store;
const idOf = async (username: string) => (await store().accounts.findByUsername(username))!.id;

/** Stores a passkey for the account as the enrolment would (the ceremony itself is the passkey folder's test). */
async function addPasskey(username: string, id: string, name: string) {
  const created = await store().passkeys.create({
    id,
    accountId: await idOf(username),
    name,
    publicKey: 'pQECAyYgASFYIA',
    counter: 0,
    transports: ['internal'],
    backupEligible: true,
    backedUp: true,
    createdAt: clock.nowSeconds(),
    lastUsedAt: null,
  });
  assert.ok(created);
}

const submit = (agent: UserAgent, res: Response, action: RegExp, fields: Record<string, string> = {}) => {
  const form = findForm(res, action);
  return agent.follow(form.action, { form: { ...form.fields, ...fields } });
};

describe('account page: passkeys', () => {
  test('passkeys are listed by name with when they were added and used, and can be renamed', async () => {
    const agent = await signUp(server, 'pk-list');
    await addPasskey('pk-list', 'cred-list-1', 'Work laptop');
    const listed = await page(agent);
    assert.match(listed.body, /<strong id="passkey-0">Work laptop<\/strong>/);
    assert.match(listed.body, /Last used never\. Can be synced to your other devices\./);
    const renamed = await submit(agent, listed, /cred-list-1\/rename$/, { name: '  Phone  ' });
    assert.equal(renamed.status, 200);
    assert.match(renamed.body, /Your passkey was renamed/);
    assert.equal((await store().passkeys.find('cred-list-1'))?.name, 'Phone');
    const bad = await submit(agent, renamed, /cred-list-1\/rename$/, { name: 'x'.repeat(65) });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Give the passkey a name of up to 64 characters/);
    assert.equal((await store().passkeys.find('cred-list-1'))?.name, 'Phone');
  });

  test("another account's passkey can be neither renamed nor removed: 404, and it is unchanged", async () => {
    const agent = await signUp(server, 'pk-mine');
    await signUp(server, 'pk-theirs');
    await addPasskey('pk-theirs', 'cred-theirs', 'Their key');
    await addPasskey('pk-theirs', 'cred-theirs-2', 'Their other key');
    const own = await page(agent);
    const csrf = findForm(own, /\/account\/password$/).fields;
    const rename = await agent.follow(`${accountUrl()}/passkeys/cred-theirs/rename`, {
      form: { ...csrf, name: 'Mine now' },
    });
    assert.equal(rename.status, 404);
    const remove = await agent.follow(`${accountUrl()}/passkeys/cred-theirs/remove`, { form: csrf });
    assert.equal(remove.status, 404);
    assert.match(remove.body, /There is no such passkey on your account/);
    assert.equal((await store().passkeys.find('cred-theirs'))?.name, 'Their key');
  });

  test('the last passkey a client policy needs cannot be removed; with a second one it can, and is audited', async () => {
    const agent = await signUp(server, 'pk-last');
    await addPasskey('pk-last', 'cred-last-1', 'First');
    const refused = await submit(agent, await page(agent), /cred-last-1\/remove$/);
    assert.equal(refused.status, 409);
    assert.match(
      unescapeHtml(refused.body),
      /signing in with "Password, then a code or a passkey" needs a second factor/,
    );
    assert.ok(await store().passkeys.find('cred-last-1'));
    await addPasskey('pk-last', 'cred-last-2', 'Second');
    const removed = await submit(agent, await page(agent), /cred-last-1\/remove$/);
    assert.equal(removed.status, 200);
    assert.match(removed.body, /Your passkey was removed/);
    assert.equal(await store().passkeys.find('cred-last-1'), undefined);
    const events = await store().audit.list({ types: ['factor.removed'], limit: 100 });
    const id = await idOf('pk-last');
    assert.ok(events.some((e) => e.accountId === id && e.detail?.['factor'] === 'passkey'));
  });

  test('with an authenticator app for the same step, the only passkey can go', async () => {
    const agent = await signUp(server, 'pk-with-totp');
    await addPasskey('pk-with-totp', 'cred-totp', 'Only');
    const enrol = await agent.follow(`${accountUrl()}/totp`);
    const key = unescapeHtml(/id="totp-key">([^<]+)</.exec(enrol.body)![1]!).replace(/ /g, '');
    assert.equal((await agent.submit(enrol, { code: codeAt(key, stepAt(clock.nowSeconds())) })).status, 200);
    const removed = await submit(agent, await page(agent), /cred-totp\/remove$/);
    assert.equal(removed.status, 200);
    assert.equal(await store().passkeys.find('cred-totp'), undefined);
  });

  test('removal without the CSRF token, or stale without the current password, is refused', async () => {
    const agent = await signUp(server, 'pk-guard');
    await addPasskey('pk-guard', 'cred-guard-1', 'One');
    await addPasskey('pk-guard', 'cred-guard-2', 'Two');
    const forged = await agent.request(`${accountUrl()}/passkeys/cred-guard-1/remove`, {
      form: { _csrf: 'forged' },
    });
    assert.equal(forged.status, 403);
    clock.advance(11 * 60);
    const stale = await submit(agent, await page(agent), /cred-guard-1\/remove$/);
    assert.equal(stale.status, 401);
    assert.ok(await store().passkeys.find('cred-guard-1'));
    const right = await submit(agent, await page(agent), /cred-guard-1\/remove$/, {
      current_password: PASSWORD,
    });
    assert.equal(right.status, 200);
    assert.equal(await store().passkeys.find('cred-guard-1'), undefined);
  });
});

describe('account page: adding a passkey', () => {
  test('the options need the CSRF token and a session; they carry a challenge bound to this browser by a cookie', async () => {
    const agent = await signUp(server, 'pk-options');
    const csrf = findForm(await page(agent), /\/account\/password$/).fields;
    const forged = await agent.request(`${accountUrl()}/passkeys/options`, { form: { _csrf: 'forged' } });
    assert.equal(forged.status, 403);
    const res = await agent.request(`${accountUrl()}/passkeys/options`, { form: csrf });
    assert.equal(res.status, 200, res.body);
    const { options } = JSON.parse(res.body) as { options: { challenge: string; user: { name: string } } };
    assert.equal(options.user.name, 'pk-options');
    assert.ok(options.challenge.length >= 22, 'at least 16 random bytes');
    assert.ok(agent.cookies.get('tessera_webauthn'), 'the challenge cookie');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('a forged answer, or one without the challenge cookie, is refused with a plain reason and stores nothing', async () => {
    const agent = await signUp(server, 'pk-forged');
    const csrf = findForm(await page(agent), /\/account\/password$/).fields;
    const forged = JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} });
    const noCookie = await agent.request(`${accountUrl()}/passkeys`, { form: { ...csrf, response: forged } });
    assert.equal(noCookie.status, 400);
    assert.match(noCookie.body, /This page has expired or was already used/);
    await agent.request(`${accountUrl()}/passkeys/options`, { form: csrf });
    const bad = await agent.request(`${accountUrl()}/passkeys`, {
      form: { ...csrf, response: forged, name: 'Mine' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /That passkey could not be checked/);
    assert.deepEqual(await store().passkeys.listByAccount(await idOf('pk-forged')), []);
  });
});
