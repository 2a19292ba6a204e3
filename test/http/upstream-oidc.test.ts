// Login through another OpenID Provider over HTTP, with real upstreams on loopback: oidc-provider 9 and a hostile
// one. Just-in-time accounts, linking an existing account by its password, known identities signing in, the
// upstream's amr/acr where it is trusted, and every bad answer ending on an error page with no account or session.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { basic, CALLBACK, claimsOf, findForm, PASSWORD, signUp, token } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import {
  closedPortIssuer,
  type HostileMode,
  type HostileUpstream,
  type RealUpstream,
  startHostileUpstream,
  startRealUpstream,
  UPSTREAM_CLIENT,
} from '../fixtures/upstream-idp.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const POLICY_ACR = 'urn:example:acme-or-password';
let server: TestServer;
let real: RealUpstream;
let hostile: HostileUpstream;

before(async () => {
  const port = await freePort();
  const callback = (id: string) => `http://127.0.0.1:${port}/authn/callback/oidc/${id}`;
  real = await startRealUpstream({
    redirectUris: [callback('acme'), callback('sealed')],
    users: {
      jdoe: {
        password: 'jdoe at acme',
        claims: {
          sub: 'acme-0001',
          preferred_username: 'jdoe',
          name: 'Jane Doe',
          email: 'jane.doe@acme.example',
          email_verified: true,
        },
      },
      mdoe: {
        password: 'mdoe at acme',
        claims: { sub: 'acme-0002', name: 'Maria Doe', email: 'maria@acme.example', email_verified: false },
      },
    },
  });
  hostile = await startHostileUpstream();
  const upstream = { ...UPSTREAM_CLIENT, type: 'oidc' as const };
  server = await startServer({
    port,
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        {
          ...upstream,
          id: 'acme',
          name: 'Acme',
          issuer: real.issuer,
          create_accounts: true,
          trust_upstream_authentication: true,
        },
        { ...upstream, id: 'corp', name: 'Corp', issuer: hostile.issuer },
        { ...upstream, id: 'down', name: 'Down Inc', issuer: await closedPortIssuer() },
        { id: 'passkeys', type: 'passkey' },
      ],
      policies: [
        { id: 'acme-or-password', acr: POLICY_ACR, steps: [['username-password', 'acme']] },
        { id: 'acme-or-passkey', steps: [['acme', 'passkeys']] },
        { id: 'two-providers', steps: [['acme', 'corp']] },
      ],
      clients: [
        { ...wwwClient, authentication_policies: ['acme-or-password'] },
        { ...wwwClient, client_id: 'acme-only', authenticator: 'acme' },
        { ...wwwClient, client_id: 'corp-only', authenticator: 'corp' },
        { ...wwwClient, client_id: 'down-only', authenticator: 'down' },
        { ...wwwClient, client_id: 'passkey-or-acme', authentication_policies: ['acme-or-passkey'] },
        { ...wwwClient, client_id: 'two', authentication_policies: ['two-providers'] },
      ],
    },
  });
});
after(async () => {
  await server?.close();
  await real?.close();
  await hostile?.close();
});

const authorize = (clientId: string) =>
  `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    state: 'rp-state',
    nonce: 'rp-nonce',
  })}`;

/** Follows redirects across Tessera and the upstream, stopping at a page or at the client's callback. */
async function go(agent: UserAgent, url: string, init: { form?: Record<string, string> } = {}) {
  const seen: string[] = [];
  let response = await agent.request(url, init);
  while (response.status >= 300 && response.status < 400) {
    const next = new URL(response.headers.get('location')!, response.url).href;
    if (next.startsWith(CALLBACK)) return { response, seen, callback: new URL(next) };
    seen.push(next);
    response = await agent.request(next);
  }
  return { response, seen, callback: undefined };
}

const link = (page: Response, text: RegExp): string => {
  for (const a of page.body.matchAll(/<a[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g))
    if (text.test(a[2]!)) return new URL(unescapeHtml(a[1]!), page.url).href;
  throw new Error(`no link ${text} on ${page.url}: ${page.body.slice(0, 400)}`);
};
const heading = (page: Response) => /<h1>([^<]*)<\/h1>/.exec(page.body)?.[1];

/** Signs in at the real upstream's login form and follows the way back to Tessera. */
async function upstreamLogin(agent: UserAgent, loginPage: Response, username: string) {
  assert.equal(heading(loginPage), 'Acme sign-in', loginPage.body.slice(0, 300));
  const user = real.users.get(username)!;
  const form = findForm(loginPage, /\/interaction\//);
  return go(agent, form.action, { form: { username, password: user.password } });
}

/** Redeems the code and reads UserInfo: the ID token's claims, and the profile claims UserInfo releases. */
async function tokensFor(code: string, clientId = 'www') {
  const res = await token(
    server,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
    basic(clientId, WWW_SECRET),
  );
  assert.equal(res.status, 200, res.text);
  const userinfo = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
    headers: { authorization: `Bearer ${res.json['access_token']}` },
  });
  assert.equal(userinfo.status, 200);
  return {
    idToken: claimsOf(res.json['id_token'] as string) as Record<string, unknown>,
    profile: (await userinfo.json()) as Record<string, unknown>,
  };
}

const accountCount = async () => (await server.tessera.store.accounts.list(1000)).length;

describe('sign in with another provider (oidc authenticator)', () => {
  test('the login page of a policy with a provider beside the password shows "Sign in with Acme"', async () => {
    const page = (await go(new UserAgent(), authorize('www'))).response;
    assert.equal(page.status, 200);
    assert.equal(heading(page), 'Log in');
    assert.match(
      link(page, /^Sign in with Acme$/),
      /\/authn\/authenticate\/oidc\/acme\?return_to=.+&policy=acme-or-password/,
    );
  });

  test("a passkey login page offers the provider of the same step too; Tessera's own page comes first", async () => {
    const page = (await go(new UserAgent(), authorize('passkey-or-acme'))).response;
    assert.equal(heading(page), 'Sign in with a passkey');
    assert.match(link(page, /^Sign in with Acme$/), /\/authn\/authenticate\/oidc\/acme\?/);
  });

  test('a step of providers only asks which one: a button each, none chosen for the person', async () => {
    const page = (await go(new UserAgent(), authorize('two'))).response;
    assert.equal(page.status, 200);
    assert.equal(heading(page), 'Sign in');
    assert.match(link(page, /^Sign in with Acme$/), /\/oidc\/acme\?.*policy=two-providers/);
    assert.match(link(page, /^Sign in with Corp$/), /\/oidc\/corp\?.*policy=two-providers/);
  });

  test('a new upstream identity: choice page, then a just-in-time account with the mapped claims and no password', async () => {
    const agent = new UserAgent();
    const login = (await go(agent, authorize('www'))).response;
    const upstreamPage = (await go(agent, link(login, /Sign in with Acme/))).response;
    real.authentication.amr = ['pwd', 'otp', 'not-registered'];
    real.authentication.acr = 'urn:acme:loa:2';
    const back = await upstreamLogin(agent, upstreamPage, 'jdoe');
    assert.equal(back.response.status, 200);
    assert.equal(heading(back.response), 'Continue with your Acme account');
    assert.match(back.response.body, /jane\.doe@acme\.example/);
    assert.equal(agent.cookies.get('tessera_sso'), undefined, 'no session before the choice');
    const before = await accountCount();
    const create = findForm(back.response, /\/create$/);
    const done = await go(agent, create.action, { form: create.fields });
    assert.ok(
      done.callback,
      `expected the client callback, got ${done.response.status}: ${done.response.body.slice(0, 300)}`,
    );
    assert.equal(done.callback.searchParams.get('state'), 'rp-state');
    assert.equal(await accountCount(), before + 1);

    const account = await server.tessera.store.accounts.findByUsername('jdoe');
    assert.ok(account);
    assert.equal(account.passwordHash, '', 'no password anyone could use');
    assert.deepEqual(
      {
        name: account.claims['name'],
        email: account.claims['email'],
        verified: account.claims['email_verified'],
      },
      { name: 'Jane Doe', email: 'jane.doe@acme.example', verified: true },
    );
    const identity = await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0001');
    assert.equal(identity?.accountId, account.id);

    const { idToken: claims, profile } = await tokensFor(done.callback.searchParams.get('code')!);
    assert.equal(claims['sub'], account.id, 'the local account is the subject, not the upstream sub');
    assert.equal(claims['nonce'], 'rp-nonce');
    assert.equal(profile['sub'], account.id);
    assert.equal(profile['name'], 'Jane Doe');
    assert.equal(profile['email_verified'], true);
    // A policy names its own acr; a trusted upstream's registered amr values count in it (RFC 8176).
    assert.equal(claims['acr'], POLICY_ACR);
    assert.deepEqual([...(claims['amr'] as string[])].sort(), ['mfa', 'otp', 'pwd']);

    const events = (await server.tessera.store.audit.list({ accountId: account.id, limit: 20 })).map(
      (e) => e.type,
    );
    for (const type of ['account.created', 'identity.linked', 'login.succeeded'] as const)
      assert.ok(events.includes(type), `${type} in ${events}`);
    // No password signs in to it, not even an empty one.
    for (const password of ['', 'jdoe at acme']) {
      const browser = new UserAgent();
      const form = await browser.request(`${server.url}/authn/authenticate/html-form/username-password`);
      const refused = await browser.submit(form, { username: 'jdoe', password });
      assert.equal(refused.status, 401);
    }
  });

  test('a known identity signs in its account at once, with its profile refreshed from the upstream', async () => {
    real.users.get('jdoe')!.claims['name'] = 'Jane Q. Doe';
    const agent = new UserAgent();
    const before = await accountCount();
    const upstreamPage = (await go(agent, authorize('acme-only'))).response;
    const done = await upstreamLogin(agent, upstreamPage, 'jdoe');
    assert.ok(done.callback, done.response.body.slice(0, 300));
    assert.equal(await accountCount(), before);
    const { idToken: claims, profile } = await tokensFor(
      done.callback.searchParams.get('code')!,
      'acme-only',
    );
    assert.equal(claims['sub'], 'jdoe');
    assert.equal(profile['name'], 'Jane Q. Doe');
    // A client signing in through the trusted upstream alone gets the upstream's acr.
    assert.equal(claims['acr'], 'urn:acme:loa:2');
    assert.ok((await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0001'))?.lastUsedAt);
  });

  test('a client whose only authenticator is the provider goes straight to it', async () => {
    const first = await new UserAgent().request(authorize('acme-only'));
    assert.equal(first.status, 303);
    const login = await new UserAgent().request(new URL(first.headers.get('location')!, server.url).href);
    assert.equal(login.status, 303);
    assert.ok(
      login.headers.get('location')!.startsWith(`${real.issuer}/auth?`),
      login.headers.get('location')!,
    );
    const to = new URL(login.headers.get('location')!);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(
      to.searchParams.get('state') && to.searchParams.get('nonce') && to.searchParams.get('code_challenge'),
    );
    assert.match(login.headers.get('set-cookie') ?? '', /tessera_upstream=[^;]+;.*HttpOnly.*SameSite=Lax/i);
    // OIDC Core §3.1.2.1 login_hint from the client is passed on to the provider.
    const hinted = await new UserAgent().request(`${authorize('acme-only')}&login_hint=jdoe%40acme.example`);
    const start = await new UserAgent().request(new URL(hinted.headers.get('location')!, server.url).href);
    assert.equal(new URL(start.headers.get('location')!).searchParams.get('login_hint'), 'jdoe@acme.example');
  });

  test('prompt=login at Tessera asks the provider for a fresh login too; a plain request asks nothing', async () => {
    const upstreamQuery = async (extra: string) => {
      const first = await new UserAgent().request(`${authorize('acme-only')}${extra}`);
      const start = await new UserAgent().request(new URL(first.headers.get('location')!, server.url).href);
      assert.equal(start.status, 303);
      return new URL(start.headers.get('location')!).searchParams;
    };
    // OIDC Core §3.1.2.1: the provider's own session must not stand in for the login the client asked for.
    assert.equal((await upstreamQuery('&prompt=login')).get('prompt'), 'login');
    assert.equal((await upstreamQuery('&prompt=select_account')).get('prompt'), 'select_account');
    assert.equal(
      (await upstreamQuery('')).get('prompt'),
      null,
      "without one, the provider's session may sign in",
    );
  });

  test('linking: the existing account is proven by its password (wrong one refused), then signs in', async () => {
    await signUp(server, 'maria');
    const agent = new UserAgent();
    const login = (await go(agent, authorize('www'))).response;
    const upstreamPage = (await go(agent, link(login, /Sign in with Acme/))).response;
    const choice = (await upstreamLogin(agent, upstreamPage, 'mdoe')).response;
    assert.equal(heading(choice), 'Continue with your Acme account');
    const linkForm = findForm(choice, /\/link$/);
    const wrong = await go(agent, linkForm.action, {
      form: { ...linkForm.fields, username: 'maria', password: 'not her password' },
    });
    assert.equal(wrong.response.status, 401);
    assert.match(wrong.response.body, /Incorrect username or password\./);
    const unknown = await go(agent, linkForm.action, {
      form: { ...linkForm.fields, username: 'nobody-here', password: 'whatever it is' },
    });
    assert.equal(unknown.response.status, 401);
    assert.match(unknown.response.body, /Incorrect username or password\./, 'the same words: no enumeration');
    assert.equal(await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0002'), undefined);
    const again = findForm(wrong.response, /\/link$/);
    const done = await go(agent, again.action, {
      form: { ...again.fields, username: 'maria', password: PASSWORD },
    });
    assert.ok(done.callback, done.response.body.slice(0, 300));
    assert.equal(
      (await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0002'))?.accountId,
      'maria',
    );
    const { idToken: claims, profile } = await tokensFor(done.callback.searchParams.get('code')!);
    assert.equal(claims['sub'], 'maria');
    // The upstream did not verify this address: it is not verified here either.
    assert.equal(profile['email'], 'maria@acme.example');
    assert.equal(profile['email_verified'], false);
  });

  test('the account page lists linked sign-ins; the last way in cannot be unlinked, another can', async () => {
    const jdoe = new UserAgent();
    await upstreamLogin(jdoe, (await go(jdoe, authorize('acme-only'))).response, 'jdoe');
    const page = await jdoe.request(`${server.url}/authn/account`);
    assert.match(page.body, /Sign-in with other providers/);
    assert.match(page.body, /no password/);
    const unlink = findForm(page, /\/sign-ins\/[^/]+\/unlink$/);
    const refused = await jdoe.request(unlink.action, { form: unlink.fields });
    assert.equal(refused.status, 409);
    assert.match(refused.body, /only way to sign in/);
    assert.ok(await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0001'));

    const maria = new UserAgent();
    const login = (await go(maria, authorize('www'))).response;
    await upstreamLogin(maria, (await go(maria, link(login, /Sign in with Acme/))).response, 'mdoe');
    const mine = await maria.request(`${server.url}/authn/account`);
    const form = findForm(mine, /\/sign-ins\/[^/]+\/unlink$/);
    const done = await maria.request(form.action, { form: form.fields });
    assert.equal(done.status, 303);
    assert.equal(await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0002'), undefined);
    const events = (await server.tessera.store.audit.list({ accountId: 'maria', limit: 50 })).map(
      (e) => e.type,
    );
    assert.ok(events.includes('identity.unlinked'));
  });
});

describe('a provider committed through the admin API', () => {
  test('its sealed client secret is opened at login: the provider accepts it; a wrong one is refused there', async () => {
    await addAdmin(server);
    const api = adminApi(server, await apiToken(server));
    const commit = async (secret: string) => {
      const body = {
        name: 'Acme (sealed)',
        issuer: real.issuer,
        client_id: UPSTREAM_CLIENT.client_id,
        client_secret: secret,
      };
      const exists = server.tessera.live().authenticators.has('sealed');
      const saved = exists
        ? await api.patch('/authenticators/sealed', body)
        : await api.post('/authenticators', { id: 'sealed', type: 'oidc', create_accounts: true, ...body });
      assert.ok(saved.status === 200 || saved.status === 201, JSON.stringify(saved.body));
      const done = await api.post('/changes/commit', { message: 'sealed provider' });
      assert.equal(done.status, 201, JSON.stringify(done.body));
      const live = server.tessera.live().authenticators.get('sealed');
      assert.ok(live?.type === 'oidc' && live.client_secret === undefined && live.client_secret_sealed);
    };
    await commit(UPSTREAM_CLIENT.client_secret);
    const agent = new UserAgent();
    const upstreamPage = (await go(agent, `${server.url}/authn/authenticate/oidc/sealed`)).response;
    const back = await upstreamLogin(agent, upstreamPage, 'mdoe');
    // The choice page comes only after the code was redeemed with the secret and the ID token checked.
    assert.equal(heading(back.response), 'Continue with your Acme (sealed) account');

    await commit('not-the-secret-the-provider-gave');
    const wrong = new UserAgent();
    const page = (await go(wrong, `${server.url}/authn/authenticate/oidc/sealed`)).response;
    const refused = await upstreamLogin(wrong, page, 'mdoe');
    assert.equal(refused.response.status, 502);
    assert.match(refused.response.body, /did not pass Tessera/);
  });
});

describe('bad answers from the upstream: an error page, no account, no session', () => {
  /** Runs a login at the hostile upstream up to Tessera's answer to its callback. */
  async function hostileLogin(mode: HostileMode, subject: string) {
    hostile.mode = mode;
    hostile.subject = subject;
    const agent = new UserAgent();
    const { response, seen } = await go(agent, authorize('corp-only'));
    return { agent, response, callback: seen.find((u) => u.includes('/authn/callback/oidc/corp')) };
  }

  const cases: [HostileMode, number, RegExp][] = [
    ['wrong-iss', 502, /did not pass Tessera/],
    ['bad-signature', 502, /did not pass Tessera/],
    ['wrong-nonce', 502, /did not pass Tessera/],
    ['wrong-aud', 502, /did not pass Tessera/],
    ['expired', 502, /did not pass Tessera/],
    ['no-id-token', 502, /did not pass Tessera/],
    ['token-error', 502, /did not pass Tessera/],
    ['access_denied', 400, /cancelled or refused/],
  ];
  for (const [mode, status, words] of cases)
    test(`${mode}: ${status}, plain words, a way to try again, nothing made`, async () => {
      const before = await accountCount();
      const { agent, response } = await hostileLogin(mode, `sub-${mode}`);
      assert.equal(response.status, status, response.body.slice(0, 300));
      assert.match(response.body, words);
      assert.match(response.body, />Try again</);
      assert.doesNotMatch(
        response.body,
        /at (?:async )?\w+ \(|Error:|invalid_grant|eyJ/,
        'no stack, no upstream body',
      );
      assert.equal(agent.cookies.get('tessera_sso'), undefined);
      assert.equal(await accountCount(), before);
      assert.equal(
        await server.tessera.store.upstream.findIdentity(hostile.issuer, `sub-${mode}`),
        undefined,
      );
    });

  test('an upstream that is down: 502 at once, nothing made', async () => {
    const { response } = await go(new UserAgent(), authorize('down-only'));
    assert.equal(response.status, 502);
    assert.match(response.body, /Down Inc could not be reached/);
  });

  test('a replayed callback is refused: the login was taken once', async () => {
    const { agent, response, callback } = await hostileLogin('ok', 'sub-replay');
    // Corp makes no accounts: a new identity waits for the choice, which offers linking only.
    assert.equal(heading(response), 'Continue with your Corp account');
    assert.doesNotMatch(response.body, /Create a new account/);
    assert.ok(callback);
    // Where the provider makes no accounts, asking for one anyway is refused.
    const csrf = findForm(response, /\/link$/).fields;
    const refused = await agent.request(`${server.url}/authn/authenticate/oidc/corp/continue/create`, {
      form: csrf,
    });
    assert.equal(refused.status, 403);
    const tokenRequests = hostile.tokenRequests;
    const replay = await agent.request(callback);
    assert.equal(replay.status, 400);
    assert.match(replay.body, /already finished, or it has expired/);
    assert.equal(hostile.tokenRequests, tokenRequests, 'the code was not sent upstream again');
    assert.equal(await server.tessera.store.upstream.findIdentity(hostile.issuer, 'sub-replay'), undefined);
  });

  test("login CSRF: someone else's callback fails without this browser's cookie, and against its own login", async () => {
    hostile.mode = 'ok';
    hostile.subject = 'attacker';
    const attacker = new UserAgent();
    const start = await attacker.request(`${server.url}/authn/authenticate/oidc/corp`);
    const atUpstream = await attacker.request(start.headers.get('location')!);
    const attackersCallback = atUpstream.headers.get('location')!;
    assert.match(attackersCallback, /\/authn\/callback\/oidc\/corp\?/);

    const victim = new UserAgent();
    const noCookie = await victim.request(attackersCallback);
    assert.equal(noCookie.status, 400);
    assert.match(noCookie.body, /no sign-in with Corp waiting/);

    const own = await victim.request(`${server.url}/authn/authenticate/oidc/corp`);
    assert.ok(victim.cookies.get('tessera_upstream'));
    const mismatch = await victim.request(attackersCallback);
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body, /does not belong to the sign-in started in this browser/);
    assert.equal(victim.cookies.get('tessera_sso'), undefined);
    assert.equal(await server.tessera.store.upstream.findIdentity(hostile.issuer, 'attacker'), undefined);
    // The victim's own login was not spent by the forged callback: it still finishes.
    hostile.subject = 'victim';
    const ownCallback = (await victim.request(own.headers.get('location')!)).headers.get('location')!;
    const finished = await go(victim, ownCallback);
    assert.equal(heading(finished.response), 'Continue with your Corp account');
  });

  test('hostile input at the callback and the choice page never breaks the server', async () => {
    const agent = new UserAgent();
    for (const path of [
      '/authn/callback/oidc/corp',
      `/authn/callback/oidc/corp?state=${'x'.repeat(5000)}&code=y`,
      '/authn/callback/oidc/corp?state=a&state=b',
      '/authn/callback/oidc/no-such',
      '/authn/authenticate/oidc/no-such',
      '/authn/authenticate/oidc/corp/continue',
    ]) {
      const res = await agent.request(server.url + path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.doesNotMatch(res.body, /at (?:async )?\w+ \(/);
    }
    agent.cookies.set('tessera_upstream', 'z'.repeat(300));
    const long = await agent.request(`${server.url}/authn/callback/oidc/corp?state=a&code=b`);
    assert.equal(long.status, 400);
    const post = await agent.request(`${server.url}/authn/authenticate/oidc/corp/continue/link`, {
      form: { username: 'x' },
    });
    assert.equal(post.status, 403, 'no CSRF token');
  });
});
