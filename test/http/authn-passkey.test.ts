// Passkeys over HTTP with a software authenticator: enrolment at step-up, passwordless login from the login
// page, the second factor after a password, the ID token's acr and amr, and every bad answer refused with a
// clear page, nothing stored and no 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  authorizeUrl,
  basic,
  CALLBACK,
  callback,
  claimsOf,
  findForm,
  logIn,
  signUp,
  token,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Ceremony, SoftAuthenticator } from '../fixtures/soft-authenticator.ts';
import { type Response, UserAgent } from '../fixtures/user-agent.ts';

const MFA = 'urn:example:passkey-mfa';
const EITHER = 'urn:example:password-or-passkey';
const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;

before(async () => {
  server = await startServer({
    clock,
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'passkeys', type: 'passkey' },
      ],
      policies: [
        { id: 'either', acr: EITHER, steps: [['username-password', 'passkeys']] },
        { id: 'mfa', acr: MFA, steps: [['username-password'], ['passkeys']] },
      ],
      clients: [wwwClient, { ...wwwClient, client_id: 'bank', authentication_policies: ['either', 'mfa'] }],
    },
  });
});
after(() => server.close());

const authorize = (params: Record<string, string> = {}) =>
  authorizeUrl(server, {
    response_type: 'code',
    client_id: 'bank',
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'st',
    ...params,
  });
const device = () => new SoftAuthenticator(server.url, new URL(server.url).hostname);

async function idToken(page: Response) {
  const res = await token(
    server,
    { grant_type: 'authorization_code', code: callback(page).get('code')!, redirect_uri: CALLBACK },
    basic('bank', WWW_SECRET),
  );
  assert.equal(res.status, 200, res.text);
  return claimsOf((res.json as { id_token: string }).id_token);
}

/** The page's passkey form, and the options its script would fetch (the challenge cookie lands in the jar). */
async function ceremony(agent: UserAgent, page: Response) {
  const form = findForm(page, /\/passkey\//);
  const res = await agent.request(`${form.action}/options`, { form: { _csrf: form.fields['_csrf']! } });
  assert.equal(res.status, 200, res.body);
  return { form, options: JSON.parse(res.body).options };
}

const answer = (
  agent: UserAgent,
  form: { action: string; fields: Record<string, string> },
  fields: Record<string, string>,
) => agent.follow(form.action, { form: { ...form.fields, ...fields } });

const passkeysOf = async (username: string) => {
  const account = await server.tessera.store.accounts.findByUsername(username);
  return server.tessera.store.passkeys.listByAccount(account!.id);
};

/** Signs up, then steps up to the passkey policy, creating a passkey on the way. */
async function enrolled(username: string, on = device()) {
  const agent = await signUp(server, username);
  const page = await agent.follow(authorize({ acr_values: MFA }));
  assert.match(page.body, /Create a passkey/);
  const { form, options } = await ceremony(agent, page);
  const done = await answer(agent, form, { response: JSON.stringify(on.create(options)), name: 'Laptop' });
  return { agent, device: on, done };
}

describe('passkeys', () => {
  test('step-up enrols a passkey (named, discoverable) and the ID token says acr mfa, amr pwd hwk user mfa', async () => {
    const { done } = await enrolled('alice');
    const claims = await idToken(done);
    assert.deepEqual([claims.acr, claims.amr], [MFA, ['pwd', 'hwk', 'user', 'mfa']]);
    const [stored] = await passkeysOf('alice');
    assert.deepEqual([stored?.name, stored?.counter, stored?.transports], ['Laptop', 0, ['internal']]);
    const events = await server.tessera.store.audit.list({ limit: 50, types: ['factor.enrolled'] });
    assert.ok(events.some((e) => e.detail?.['factor'] === 'passkey'));
  });

  test('the login page offers passkey autofill and a button; a passkey alone signs in with amr hwk user mfa', async () => {
    const { device: on } = await enrolled('bob');
    const agent = new UserAgent();
    const login = await agent.follow(authorize());
    assert.match(login.body, /autocomplete="username webauthn"/);
    assert.match(login.body, /data-autofill="on"/);
    assert.match(login.body, /Sign in with a passkey/);
    const { form, options } = await ceremony(agent, login);
    assert.equal(options.allowCredentials, undefined, 'discoverable: no credential list');
    assert.equal(options.userVerification, 'required');
    const done = await answer(agent, form, { response: JSON.stringify(on.get(options)) });
    const claims = await idToken(done);
    assert.deepEqual([claims.acr, claims.amr], [EITHER, ['hwk', 'user', 'mfa']]);
    const events = await server.tessera.store.audit.list({ limit: 50, types: ['login.succeeded'] });
    assert.ok(events.some((e) => e.detail?.['factor'] === 'passkey'));
  });

  test('after a password, the passkey step lists the account passkeys only and completes the MFA policy', async () => {
    const { device: on } = await enrolled('carol');
    const agent = new UserAgent();
    const verify = await logIn(agent, await agent.follow(authorize({ acr_values: MFA })), 'carol');
    assert.match(verify.body, /Use your passkey/);
    const { form, options } = await ceremony(agent, verify);
    assert.deepEqual(
      options.allowCredentials.map((c: { id: string }) => c.id),
      (await passkeysOf('carol')).map((p) => p.id),
    );
    const claims = await idToken(await answer(agent, form, { response: JSON.stringify(on.get(options)) }));
    assert.deepEqual(claims.amr, ['pwd', 'hwk', 'user', 'mfa']);
    assert.equal((await passkeysOf('carol'))[0]?.counter, 1);
  });
});

describe('bad passkey answers: a clear page, nothing stored, no 500', () => {
  async function passwordless(ceremonyFor: (options: { challenge: string }) => string) {
    const agent = new UserAgent();
    const login = await agent.follow(authorize());
    const { form, options } = await ceremony(agent, login);
    return { agent, form, res: await answer(agent, form, { response: ceremonyFor(options) }) };
  }

  test('malformed JSON, a huge body, a wrong origin or RP ID, a forged signature: 401 with the reason in words', async () => {
    const { device: on } = await enrolled('dave');
    const counter = (await passkeysOf('dave'))[0]!.counter;
    const cases: [string, (o: { challenge: string }) => string][] = [
      ['malformed', () => '{"id":'],
      ['not an object', () => '[1,2]'],
      ['huge', () => `{"id":"${'a'.repeat(20_000)}"}`],
      ['origin', (o) => JSON.stringify(on.get(o, { origin: 'https://evil.example' } satisfies Ceremony))],
      ['rpId', (o) => JSON.stringify(on.get(o, { rpId: 'evil.example' }))],
      ['no UV', (o) => JSON.stringify(on.get(o, { userVerified: false }))],
      [
        'forged',
        (o) => {
          const r = on.get(o);
          r.response.signature = Buffer.alloc(70, 1).toString('base64url');
          return JSON.stringify(r);
        },
      ],
    ];
    for (const [name, make] of cases) {
      const { res } = await passwordless(make);
      assert.equal(res.status, 401, name);
      assert.match(res.body, /That passkey could not be checked/, name);
    }
    assert.equal((await passkeysOf('dave'))[0]!.counter, counter, 'no refused answer was counted');
  });

  test('a replayed answer, a missing challenge cookie and a stale challenge are refused as expired', async () => {
    const { device: on } = await enrolled('erin');
    const { agent, form, res } = await passwordless((o) => JSON.stringify(on.get(o)));
    assert.equal(res.status, 303, 'the first answer signs in');
    const replay = await answer(agent, form, { response: JSON.stringify(on.get({ challenge: 'x' })) });
    assert.equal(replay.status, 401);
    const again = new UserAgent();
    const login = await again.follow(authorize());
    const { form: f2, options } = await ceremony(again, login);
    const response = JSON.stringify(on.get(options));
    again.cookies.delete('tessera_webauthn');
    const noCookie = await answer(again, f2, { response });
    assert.equal(noCookie.status, 401);
    assert.match(noCookie.body, /expired or was already used/);
    const late = new UserAgent();
    const { form: f3, options: o3 } = await ceremony(late, await late.follow(authorize()));
    clock.advance(301);
    const stale = await answer(late, f3, { response: JSON.stringify(on.get(o3)) });
    assert.equal(stale.status, 401);
    assert.match(stale.body, /expired or was already used/);
  });

  test('the same answer posted twice: the second is refused and the counter counts once', async () => {
    const { device: on } = await enrolled('fay');
    const agent = new UserAgent();
    const { form, options } = await ceremony(agent, await agent.follow(authorize()));
    const response = JSON.stringify(on.get(options));
    assert.equal((await answer(agent, form, { response })).status, 303);
    const twice = await answer(agent, form, { response });
    assert.equal(twice.status, 401);
    assert.equal((await passkeysOf('fay'))[0]!.counter, 1);
  });

  test("another account's passkey as a second factor is refused; the step stays open", async () => {
    const alice = device();
    await enrolled('gina', alice);
    await enrolled('hugo');
    const agent = new UserAgent();
    const verify = await logIn(agent, await agent.follow(authorize({ acr_values: MFA })), 'hugo');
    const { form, options } = await ceremony(agent, verify);
    const res = await answer(agent, form, { response: JSON.stringify(alice.get(options)) });
    assert.equal(res.status, 401);
    assert.match(res.body, /That passkey could not be checked/);
    assert.equal((await passkeysOf('gina'))[0]!.counter, 0, "gina's passkey was not counted");
  });

  test('a forged attestation at enrolment (wrong RP ID, wrong origin, no UV): 400 and no passkey stored', async () => {
    const agent = await signUp(server, 'ivan');
    const page = await agent.follow(authorize({ acr_values: MFA }));
    for (const c of [{ rpId: 'evil.example' }, { origin: 'https://evil.example' }, { userVerified: false }]) {
      const { form, options } = await ceremony(agent, page);
      const res = await answer(agent, form, {
        response: JSON.stringify(device().create(options, c)),
        name: 'X',
      });
      assert.equal(res.status, 400, JSON.stringify(c));
      assert.match(res.body, /That passkey could not be checked/);
    }
    assert.deepEqual(await passkeysOf('ivan'), []);
  });

  test('options: without the CSRF token 403, a step or enrolment without a session 401, an unknown authenticator 404', async () => {
    const agent = new UserAgent();
    const login = await agent.follow(authorize());
    const form = findForm(login, /\/passkey\//);
    assert.equal((await agent.request(`${form.action}/options`, { form: { x: '' } })).status, 403);
    const base = `${server.url}/authn`;
    const csrf = { _csrf: form.fields['_csrf']! };
    assert.equal((await agent.request(`${base}/step/passkey/passkeys/options`, { form: csrf })).status, 401);
    assert.equal((await agent.request(`${base}/enrol/passkey/passkeys/options`, { form: csrf })).status, 401);
    assert.equal(
      (await agent.request(`${base}/authenticate/passkey/username-password/options`, { form: csrf })).status,
      404,
    );
  });
});
