// OIDC Core §3.1.2.1 request parameters: prompt, max_age, id_token_hint, login_hint, claims, request objects.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  authorizeUrl,
  CALLBACK,
  callback,
  claimsOf,
  logIn,
  signUp,
  tokensFor,
  verifyWithJwks,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const WWW = { id: 'www', secret: WWW_SECRET };
const SHORT = { id: 'short', secret: WWW_SECRET };
let server: TestServer;
let alice: UserAgent;
let bob: UserAgent;
/** A second server on a clock the tests move, for max_age and auth_time. */
const clock = new FixedClock(Math.floor(Date.now() / 1000));
let timed: TestServer;

before(async () => {
  const clients = [{ ...wwwClient }, { ...wwwClient, client_id: 'short', id_token_lifetime: 1 }];
  server = await startServer({ config: { clients } });
  timed = await startServer({ clock });
  alice = await signUp(server, 'alice', { email: 'alice@example.com' });
  bob = await signUp(server, 'bob');
});
after(async () => {
  await server.close();
  await timed.close();
});

const request = (params: Record<string, string>, on: TestServer = server) =>
  authorizeUrl(on, {
    response_type: 'code',
    client_id: 'www',
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'st-1',
    ...params,
  });

function assertErrorRedirect(params: URLSearchParams, error: string, on: TestServer = server): void {
  assert.equal(params.get('error'), error, `expected ${error}: ${params}`);
  assert.equal(params.get('code'), null);
  assert.equal(params.get('state'), 'st-1', 'state is returned with the error');
  assert.equal(params.get('iss'), on.issuer, 'iss is returned with the error (RFC 9207)');
}

describe('prompt', () => {
  test('prompt=none without an SSO session redirects with login_required, state and iss', async () => {
    const response = await new UserAgent().request(request({ prompt: 'none' }));
    assertErrorRedirect(callback(response), 'login_required');
  });

  test('prompt=none with an SSO session issues a code without showing a page', async () => {
    const params = callback(await alice.request(request({ prompt: 'none' })));
    assert.ok(params.get('code'));
    assert.equal(params.get('state'), 'st-1');
  });

  test('prompt=login with an SSO session shows the login form, and the new login sets a new auth_time', async () => {
    const agent = await signUp(timed, 'carol');
    clock.advance(30);
    const page = await agent.follow(request({ prompt: 'login' }, timed));
    assert.equal(page.status, 200, 'no code: the login form is shown');
    assert.match(page.body, /<h1>Log in<\/h1>/);
    const loggedInAt = clock.nowSeconds();
    const params = callback(await logIn(agent, page, 'carol'));
    assert.ok(params.get('code'));
    const tokens = await tokensFor(timed, agent, WWW, { scope: 'openid' });
    assert.equal(claimsOf(tokens.id_token!).auth_time, loggedInAt);
  });

  test('prompt=select_account with an SSO session shows the login form', async () => {
    const page = await alice.follow(request({ prompt: 'select_account' }));
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Log in<\/h1>/);
  });

  test('prompt=none combined with another value is invalid_request', async () => {
    assertErrorRedirect(callback(await alice.request(request({ prompt: 'none login' }))), 'invalid_request');
  });

  test('an unknown prompt value is invalid_request', async () => {
    assertErrorRedirect(callback(await alice.request(request({ prompt: 'create' }))), 'invalid_request');
  });
});

describe('max_age', () => {
  test('a session younger than max_age issues a code, and the ID token carries auth_time', async () => {
    const agent = await signUp(timed, 'dave');
    const loggedInAt = clock.nowSeconds();
    clock.advance(10);
    const tokens = await tokensFor(timed, agent, WWW, { scope: 'openid', max_age: '60' });
    assert.equal(claimsOf(tokens.id_token!).auth_time, loggedInAt);
  });

  test('a session older than max_age forces the login form; the ID token then has the new auth_time', async () => {
    const agent = await signUp(timed, 'erin');
    clock.advance(120);
    const page = await agent.follow(request({ max_age: '60' }, timed));
    assert.equal(page.status, 200, 'the login form, not a code');
    assert.match(page.body, /<h1>Log in<\/h1>/);
    const loggedInAt = clock.nowSeconds();
    const params = callback(await logIn(agent, page, 'erin'));
    assert.ok(params.get('code'));
    const tokens = await tokensFor(timed, agent, WWW, { scope: 'openid', max_age: '60' });
    assert.equal(claimsOf(tokens.id_token!).auth_time, loggedInAt);
  });

  test('max_age exceeded with prompt=none is login_required', async () => {
    const agent = await signUp(timed, 'frank');
    clock.advance(120);
    assertErrorRedirect(
      callback(await agent.request(request({ max_age: '60', prompt: 'none' }, timed))),
      'login_required',
      timed,
    );
  });

  test('a max_age that is not a non-negative integer is invalid_request', async () => {
    assertErrorRedirect(callback(await alice.request(request({ max_age: '-1' }))), 'invalid_request');
  });
});

describe('id_token_hint', () => {
  let bobIdToken: string;
  let aliceIdToken: string;
  before(async () => {
    bobIdToken = (await tokensFor(server, bob, WWW, { scope: 'openid' })).id_token!;
    aliceIdToken = (await tokensFor(server, alice, WWW, { scope: 'openid' })).id_token!;
  });

  test('an id_token_hint for the logged-in user with prompt=none issues a code', async () => {
    const params = callback(await alice.request(request({ prompt: 'none', id_token_hint: aliceIdToken })));
    assert.ok(params.get('code'));
  });

  test('an id_token_hint naming another user than the session with prompt=none is login_required', async () => {
    assertErrorRedirect(
      callback(await alice.request(request({ prompt: 'none', id_token_hint: bobIdToken }))),
      'login_required',
    );
  });

  test('an id_token_hint naming another user without prompt=none shows the login form', async () => {
    const page = await alice.follow(request({ id_token_hint: bobIdToken }));
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Log in<\/h1>/);
  });

  test('an expired ID token is still a valid hint (OIDC Core §3.1.2.1)', async () => {
    const hint = (await tokensFor(server, alice, SHORT, { scope: 'openid' })).id_token!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const params = callback(
      await alice.request(request({ prompt: 'none', id_token_hint: hint, client_id: 'short' })),
    );
    assert.ok(params.get('code'));
  });

  test("the id_token_hint is checked against the server's clock: a hint it just issued is accepted", async () => {
    const agent = await signUp(timed, 'grace');
    clock.advance(600);
    const hint = (await tokensFor(timed, agent, WWW, { scope: 'openid' })).id_token!;
    const params = callback(await agent.request(request({ prompt: 'none', id_token_hint: hint }, timed)));
    assert.equal(params.get('error'), null, `the hint was refused: ${params}`);
    assert.ok(params.get('code'));
  });

  test('an id_token_hint this server did not sign is invalid_request', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: 'alice', aud: 'www', purpose: 'id' })
      .setProtectedHeader({ alg: 'ES256', kid: 'forged' })
      .setIssuer(server.issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    for (const hint of [forged, 'not-a-jwt', `${aliceIdToken.slice(0, -4)}AAAA`]) {
      assertErrorRedirect(
        callback(await alice.request(request({ prompt: 'none', id_token_hint: hint }))),
        'invalid_request',
      );
    }
  });
});

describe('login_hint', () => {
  test('login_hint prefills the username on the login form', async () => {
    const page = await new UserAgent().follow(request({ login_hint: 'alice' }));
    assert.equal(page.status, 200);
    assert.match(page.body, /<input id="username"[^>]*value="alice"/);
  });

  test('without login_hint the username field is empty', async () => {
    const page = await new UserAgent().follow(request({}));
    assert.match(page.body, /<input id="username"[^>]*value=""/);
  });

  test('login_hint is escaped on the login form', async () => {
    const page = await new UserAgent().follow(request({ login_hint: '"><script>x</script>' }));
    assert.doesNotMatch(page.body, /<script>x/);
  });
});

describe('claims parameter (OIDC Core §5.5)', () => {
  test('claims requesting email in the id_token puts the registered email there', async () => {
    const tokens = await tokensFor(server, alice, WWW, {
      scope: 'openid',
      claims: JSON.stringify({ id_token: { email: null } }),
    });
    const { payload } = await verifyWithJwks(server, tokens.id_token!, { audience: 'www' });
    assert.equal(payload['email'], 'alice@example.com');
  });

  test('without a claims request the ID token carries no email, even with scope email', async () => {
    const tokens = await tokensFor(server, alice, WWW, { scope: 'openid email' });
    assert.equal(claimsOf(tokens.id_token!)['email'], undefined);
  });

  test('claims requesting email at userinfo releases it without the email scope', async () => {
    const tokens = await tokensFor(server, alice, WWW, {
      scope: 'openid',
      claims: JSON.stringify({ userinfo: { email: { essential: true } } }),
    });
    const res = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['email'], 'alice@example.com');
    assert.equal(body['sub'], 'alice');
  });

  test('a claims parameter that is not a JSON object is invalid_request', async () => {
    for (const claims of ['{', '[]', '"x"', JSON.stringify({ id_token: 'email' })]) {
      assertErrorRedirect(callback(await alice.request(request({ claims }))), 'invalid_request');
    }
  });
});

describe('request objects (OIDC Core §6, RFC 9101): unsigned ones and URLs are refused', () => {
  test('an unsigned request object (alg none) is refused with invalid_request_object', async () => {
    assertErrorRedirect(
      callback(await alice.request(request({ request: 'eyJhbGciOiJub25lIn0.e30.' }))),
      'invalid_request_object',
    );
  });

  test('request_uri by reference (a URL) is refused with request_uri_not_supported', async () => {
    assertErrorRedirect(
      callback(await alice.request(request({ request_uri: 'https://client.example/request.jwt' }))),
      'request_uri_not_supported',
    );
  });
});

describe('other OIDC parameters are accepted', () => {
  test('ui_locales, acr_values and display do not prevent a code', async () => {
    const params = callback(
      await alice.request(request({ ui_locales: 'en fr', acr_values: 'urn:x', display: 'page' })),
    );
    assert.ok(params.get('code'));
  });
});
