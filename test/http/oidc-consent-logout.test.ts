// Consent (per-client setting, remembered grants, account page) and RP-Initiated Logout 1.0.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  authorizeUrl,
  CALLBACK,
  callback,
  codeFor,
  findForm,
  isActive,
  signUp,
  type Tokens,
  token,
  tokensFor,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { basic, type Response, UserAgent } from '../fixtures/user-agent.ts';

const LOGGED_OUT = 'http://localhost/logged-out';
const WWW = { id: 'www', secret: WWW_SECRET };
let server: TestServer;

before(async () => {
  server = await startServer({
    config: {
      scopes: [{ name: 'photos', description: 'Read your photos' }],
      clients: [
        { ...wwwClient, post_logout_redirect_uris: [LOGGED_OUT] },
        {
          ...wwwClient,
          client_id: 'photo-app',
          name: 'Photo App',
          consent_required: true,
          scopes: ['openid', 'profile', 'email', 'photos'],
        },
      ],
    },
  });
});
after(() => server.close());

const photoApp = (params: Record<string, string> = {}) =>
  authorizeUrl(server, {
    response_type: 'code',
    client_id: 'photo-app',
    redirect_uri: CALLBACK,
    scope: 'openid photos',
    state: 'st-c',
    ...params,
  });

function assertConsentPage(page: Response): void {
  assert.equal(page.status, 200, `expected the consent page: ${page.status} ${page.body.slice(0, 200)}`);
  assert.match(page.body, /<h1>Allow access\?<\/h1>/);
}

async function allow(agent: UserAgent, page: Response): Promise<Response> {
  assertConsentPage(page);
  return agent.submit(page, { decision: 'allow' });
}

describe('consent', () => {
  test('a client with consent_required shows a consent page naming the client, the user and the scopes', async () => {
    const agent = await signUp(server, 'c-names');
    const page = await agent.follow(photoApp());
    assertConsentPage(page);
    assert.match(page.body, /Photo App/);
    assert.match(page.body, /c-names/);
    assert.match(page.body, /<code>openid<\/code>/);
    assert.match(page.body, /<code>photos<\/code> — Read your photos/);
  });

  test('a client without consent_required issues a code with no consent page', async () => {
    const agent = await signUp(server, 'c-none');
    assert.ok(await codeFor(server, agent, { client_id: 'www', scope: 'openid' }));
  });

  test('Allow returns a code with state and iss, and the consent is remembered next time', async () => {
    const agent = await signUp(server, 'c-allow');
    const params = callback(await allow(agent, await agent.follow(photoApp())));
    assert.ok(params.get('code'));
    assert.equal(params.get('state'), 'st-c');
    assert.equal(params.get('iss'), server.issuer);
    const again = callback(await agent.request(photoApp({ state: 'st-2' })));
    assert.ok(again.get('code'), 'no consent page the second time');
    assert.equal(again.get('state'), 'st-2');
  });

  test('the code issued after consent is redeemable for tokens with the approved scope', async () => {
    const agent = await signUp(server, 'c-tokens');
    const params = callback(await allow(agent, await agent.follow(photoApp())));
    const res = await fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`photo-app:${WWW_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code')!,
        redirect_uri: CALLBACK,
      }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 200);
    assert.equal(json['scope'], 'openid photos');
  });

  test('Deny redirects with access_denied, state and iss', async () => {
    const agent = await signUp(server, 'c-deny');
    const page = await agent.follow(photoApp());
    assertConsentPage(page);
    const params = callback(await agent.submit(page, { decision: 'deny' }));
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('code'), null);
    assert.equal(params.get('state'), 'st-c');
    assert.equal(params.get('iss'), server.issuer);
    assertConsentPage(await agent.follow(photoApp()));
  });

  test('prompt=consent shows the consent page again although consent was given', async () => {
    const agent = await signUp(server, 'c-prompt');
    callback(await allow(agent, await agent.follow(photoApp())));
    const page = await agent.follow(photoApp({ prompt: 'consent' }));
    assertConsentPage(page);
    assert.ok(callback(await allow(agent, page)).get('code'));
  });

  test('prompt=none without remembered consent is consent_required with state and iss', async () => {
    const agent = await signUp(server, 'c-none-prompt');
    const params = callback(await agent.request(photoApp({ prompt: 'none' })));
    assert.equal(params.get('error'), 'consent_required');
    assert.equal(params.get('state'), 'st-c');
    assert.equal(params.get('iss'), server.issuer);
  });

  test('prompt=none with remembered consent issues a code', async () => {
    const agent = await signUp(server, 'c-none-ok');
    callback(await allow(agent, await agent.follow(photoApp())));
    assert.ok(callback(await agent.request(photoApp({ prompt: 'none' }))).get('code'));
  });

  test('consent to some scopes does not cover a request for more', async () => {
    const agent = await signUp(server, 'c-more');
    callback(await allow(agent, await agent.follow(photoApp({ scope: 'openid' }))));
    const page = await agent.follow(photoApp({ scope: 'openid email' }));
    assertConsentPage(page);
    assert.match(page.body, /<code>email<\/code>/);
  });

  test('the account page lists the consent, and revoking it makes the consent page appear again', async () => {
    const agent = await signUp(server, 'c-account');
    callback(await allow(agent, await agent.follow(photoApp())));
    const account = await agent.request(`${server.url}/authn/account`);
    assert.equal(account.status, 200);
    assert.match(account.body, /<strong>Photo App<\/strong>: <code>openid photos<\/code>/);

    const revoke = findForm(account, /\/consents\/photo-app\/revoke$/);
    const after = await agent.follow(revoke.action, { form: revoke.fields });
    assert.equal(after.status, 200);
    assert.doesNotMatch(after.body, /Photo App/);
    assert.match(after.body, /None\./);
    assertConsentPage(await agent.follow(photoApp()));
  });

  test('revoking a consent on the account page also revokes the tokens the client holds for that user', async () => {
    const agent = await signUp(server, 'c-revoke-tokens');
    const page = await agent.follow(photoApp());
    const code = callback(await allow(agent, page)).get('code')!;
    const photo = basic('photo-app', WWW_SECRET);
    const res = await token(
      server,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
      photo,
    );
    assert.equal(res.status, 200, res.text);
    const issued = res.json as unknown as Tokens;
    assert.equal(await isActive(server, issued.access_token, photo), true);

    const account = await agent.request(`${server.url}/authn/account`);
    const revoke = findForm(account, /\/consents\/photo-app\/revoke$/);
    await agent.follow(revoke.action, { form: revoke.fields });
    assert.equal(await isActive(server, issued.access_token, photo), false, 'access token revoked');
    assert.equal(await isActive(server, issued.refresh_token!, photo), false, 'refresh token revoked');
  });

  test('revoking a consent without the CSRF token is refused and the consent stays', async () => {
    const agent = await signUp(server, 'c-csrf');
    callback(await allow(agent, await agent.follow(photoApp())));
    const res = await agent.request(`${server.url}/authn/account/consents/photo-app/revoke`, {
      form: { _csrf: 'forged' },
    });
    assert.equal(res.status, 403);
    assert.ok(callback(await agent.request(photoApp())).get('code'));
  });

  test('the consent form without the CSRF token is refused and records nothing', async () => {
    const agent = await signUp(server, 'c-csrf2');
    const page = await agent.follow(photoApp());
    const form = findForm(page, /\/authn\/consent$/);
    const res = await agent.request(form.action, {
      form: { ...form.fields, _csrf: 'forged', decision: 'allow' },
    });
    assert.equal(res.status, 403);
    assertConsentPage(await agent.follow(photoApp()));
  });
});

describe('RP-initiated logout', () => {
  const logoutUrl = (params: Record<string, string>) =>
    `${server.url}/oauth/v2/oauth-session/logout?${new URLSearchParams(params)}`;
  const www = (params: Record<string, string> = {}) =>
    authorizeUrl(server, { response_type: 'code', client_id: 'www', redirect_uri: CALLBACK, ...params });

  async function assertLoggedOut(agent: UserAgent): Promise<void> {
    const page = await agent.follow(www());
    assert.equal(page.status, 200, 'the next authorization request shows the login form');
    assert.match(page.body, /<h1>Log in<\/h1>/);
  }

  test('GET with id_token_hint and a registered post_logout_redirect_uri: 303 there with state, SSO cookie cleared', async () => {
    const agent = await signUp(server, 'l-hint');
    const { id_token: idToken } = await tokensFor(server, agent, WWW, { scope: 'openid' });
    const res = await agent.request(
      logoutUrl({ id_token_hint: idToken!, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' }),
    );
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.href.split('?')[0], LOGGED_OUT);
    assert.equal(location.searchParams.get('state'), 'bye');
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('tessera_sso='));
    assert.ok(cleared, 'the SSO cookie is cleared');
    assert.match(cleared, /tessera_sso=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    await assertLoggedOut(agent);
  });

  test('the SSO session ends on the server too: the old cookie value no longer logs in', async () => {
    const agent = await signUp(server, 'l-server');
    const oldCookie = agent.cookies.get('tessera_sso')!;
    const { id_token: idToken } = await tokensFor(server, agent, WWW, { scope: 'openid' });
    await agent.request(logoutUrl({ id_token_hint: idToken! }));
    const replay = new UserAgent();
    replay.cookies.set('tessera_sso', oldCookie);
    await assertLoggedOut(replay);
  });

  test('an unregistered post_logout_redirect_uri gets a 400 page, no redirect, and the session stays', async () => {
    const agent = await signUp(server, 'l-bad-uri');
    const { id_token: idToken } = await tokensFor(server, agent, WWW, { scope: 'openid' });
    for (const uri of ['https://evil.example/', `${LOGGED_OUT}/x`, `${LOGGED_OUT}?a=1`]) {
      const res = await agent.request(
        logoutUrl({ id_token_hint: idToken!, post_logout_redirect_uri: uri, state: 's' }),
      );
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get('location'), null, uri);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    }
    assert.ok(await codeFor(server, agent, { client_id: 'www' }), 'still logged in');
  });

  test('a post_logout_redirect_uri without id_token_hint or client_id is refused', async () => {
    const agent = await signUp(server, 'l-no-client');
    const res = await agent.request(logoutUrl({ post_logout_redirect_uri: LOGGED_OUT }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  test('an id_token_hint this server did not issue is refused', async () => {
    const agent = await signUp(server, 'l-bad-hint');
    const res = await agent.request(logoutUrl({ id_token_hint: 'e30.e30.AAAA' }));
    assert.equal(res.status, 400);
    assert.ok(await codeFor(server, agent, { client_id: 'www' }), 'still logged in');
  });

  test('a client_id that is not the audience of the id_token_hint is refused', async () => {
    const agent = await signUp(server, 'l-aud');
    const { id_token: idToken } = await tokensFor(server, agent, WWW, { scope: 'openid' });
    const res = await agent.request(logoutUrl({ id_token_hint: idToken!, client_id: 'photo-app' }));
    assert.equal(res.status, 400);
  });

  test('without id_token_hint a confirmation page is shown; submitting it with its CSRF token logs out', async () => {
    const agent = await signUp(server, 'l-confirm');
    const page = await agent.request(
      logoutUrl({ client_id: 'www', post_logout_redirect_uri: LOGGED_OUT, state: 'c' }),
    );
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Log out\?<\/h1>/);
    assert.ok(await codeFor(server, agent, { client_id: 'www' }), 'not logged out by the GET alone');
    const done = await agent.submit(page, {});
    assert.equal(done.status, 303);
    const location = new URL(done.headers.get('location')!);
    assert.equal(location.href.split('?')[0], LOGGED_OUT);
    assert.equal(location.searchParams.get('state'), 'c');
    await assertLoggedOut(agent);
  });

  test('the confirmation POST without a valid CSRF token is refused and the session stays', async () => {
    const agent = await signUp(server, 'l-csrf');
    const page = await agent.request(logoutUrl({}));
    const form = findForm(page, /\/logout$/);
    const res = await agent.request(form.action, { form: { ...form.fields, _csrf: 'forged' } });
    assert.equal(res.status, 403);
    assert.ok(await codeFor(server, agent, { client_id: 'www' }), 'still logged in');
  });

  test('the account page logout button logs out', async () => {
    const agent = await signUp(server, 'l-account');
    const account = await agent.request(`${server.url}/authn/account`);
    const form = findForm(account, /\/logout$/);
    const res = await agent.follow(form.action, { form: form.fields });
    assert.equal(res.status, 200);
    assert.match(res.body, /You are logged out/);
    await assertLoggedOut(agent);
  });
});
