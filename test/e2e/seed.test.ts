// Walks the seed tutorial (shared/seed) step by step against a started Tessera, as docs/tutorial.md tells it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { leftHalfHash } from '../../src/protocol/tokens/left-half-hash.ts';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { basic, type Response, UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const CALLBACK = 'http://localhost/callback';
const STATE = '9dDZSJvwRrnJS8YFLK0NckPkEwvgKQKeG4LA06yV+ftWGq/xlYRdCw==';

function authorizeUrl(params: Record<string, string>): string {
  return `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams(params)}`;
}

function callbackParams(response: Response): URLSearchParams {
  assert.equal(
    response.status,
    303,
    `expected 303 See Other, got ${response.status}: ${response.body.slice(0, 200)}`,
  );
  const location = new URL(response.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK);
  return location.searchParams;
}

async function token(form: Record<string, string>, authorization?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization) headers['authorization'] = authorization;
  const res = await fetch(`${server.url}/oauth/v2/oauth-token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe('the seed tutorial, step by step', () => {
  const browser = new UserAgent();

  test('an unauthenticated authorization request is sent to the login form, where an account can be created', async () => {
    const login = await browser.follow(
      authorizeUrl({ response_type: 'code', client_id: 'www', state: STATE, redirect_uri: CALLBACK }),
    );
    assert.equal(login.status, 200);
    assert.match(login.body, /<h1>Log in<\/h1>/);
    const registerHref = /href="([^"]*register[^"]*)"/.exec(login.body)?.[1];
    assert.ok(registerHref, 'the login page links to Create account');
    const registration = await browser.follow(new URL(registerHref.replace(/&amp;/g, '&'), server.url).href);
    assert.match(registration.body, /<h1>Create account<\/h1>/);

    const done = await browser.submit(registration, {
      username: 'johndoe',
      password: 'correct horse battery',
    });
    const params = callbackParams(done);
    assert.ok(params.get('code'), 'the callback carries a code');
    assert.equal(params.get('state'), STATE, 'state is echoed unchanged');
    assert.equal(params.get('iss'), server.issuer, 'iss names this server (RFC 9207)');
  });

  test('with an SSO session, the authorization endpoint answers 303 with code, state and iss and shows no form', async () => {
    const response = await browser.request(
      authorizeUrl({ response_type: 'code', client_id: 'www', state: 'xyz', redirect_uri: CALLBACK }),
    );
    const params = callbackParams(response);
    assert.equal(params.get('state'), 'xyz');
    assert.equal(params.get('iss'), server.issuer);
    assert.match(params.get('code')!, /^[A-Za-z0-9_-]{43}$/);
  });

  test('the login form logs an existing user in and continues to the callback', async () => {
    const fresh = new UserAgent();
    const login = await fresh.follow(
      authorizeUrl({ response_type: 'code', client_id: 'www', state: 's1', redirect_uri: CALLBACK }),
    );
    const wrong = await fresh.submit(login, { username: 'johndoe', password: 'wrong password' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Incorrect username or password/);
    const done = await fresh.submit(wrong, { username: 'johndoe', password: 'correct horse battery' });
    assert.equal(callbackParams(done).get('state'), 's1');
  });

  async function code(params: Record<string, string> = {}): Promise<string> {
    const response = await browser.request(
      authorizeUrl({ response_type: 'code', client_id: 'www', redirect_uri: CALLBACK, ...params }),
    );
    return callbackParams(response).get('code')!;
  }

  test('the code is redeemed with HTTP Basic: access and refresh token, scope "", bearer, expires_in 300', async () => {
    const res = await token(
      { grant_type: 'authorization_code', code: await code(), redirect_uri: CALLBACK },
      basic('www', WWW_SECRET),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json['token_type'], 'bearer');
    assert.equal(res.json['scope'], '');
    assert.equal(res.json['expires_in'], 300);
    assert.equal(typeof res.json['access_token'], 'string');
    assert.equal(typeof res.json['refresh_token'], 'string', 'refresh tokens are on by default');
    assert.equal(res.json['id_token'], undefined, 'no id_token without the openid scope');
  });

  test('the code is redeemed with client_id and client_secret in the body', async () => {
    const res = await token({
      grant_type: 'authorization_code',
      code: await code(),
      redirect_uri: CALLBACK,
      client_id: 'www',
      client_secret: WWW_SECRET,
    });
    assert.equal(res.status, 200);
    assert.equal(typeof res.json['access_token'], 'string');
  });

  test('credentials in both places must match', async () => {
    const res = await token(
      {
        grant_type: 'authorization_code',
        code: await code(),
        redirect_uri: CALLBACK,
        client_id: 'www',
        client_secret: 'another-Secret_Z9y8X7w6V5u4T3s2R1q0P-oNmLkJiHgFeDcBa',
      },
      basic('www', WWW_SECRET),
    );
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
  });

  test('a code is single use', async () => {
    const once = await code();
    const first = await token(
      { grant_type: 'authorization_code', code: once, redirect_uri: CALLBACK },
      basic('www', WWW_SECRET),
    );
    assert.equal(first.status, 200);
    const second = await token(
      { grant_type: 'authorization_code', code: once, redirect_uri: CALLBACK },
      basic('www', WWW_SECRET),
    );
    assert.equal(second.status, 400);
    assert.equal(second.json['error'], 'invalid_grant');
  });

  test('redirect_uri at the token endpoint is rejected when the authorization request had none', async () => {
    const response = await browser.request(authorizeUrl({ response_type: 'code', client_id: 'www' }));
    const params = callbackParams(response);
    const res = await token(
      { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: CALLBACK },
      basic('www', WWW_SECRET),
    );
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_grant');
  });

  test('with scope openid: an RS256 ID token with kid and x5t and the claims the seed lists', async () => {
    const res = await token(
      {
        grant_type: 'authorization_code',
        code: await code({ scope: 'openid', nonce: 'n-0S6_WzA2Mj' }),
        redirect_uri: CALLBACK,
      },
      basic('www', WWW_SECRET),
    );
    assert.equal(res.status, 200);
    assert.equal(res.json['scope'], 'openid');
    const idToken = res.json['id_token'] as string;
    const header = decodeProtectedHeader(idToken);
    assert.equal(header.alg, 'RS256');
    assert.ok(header.kid && header.x5t, 'kid and x5t in the header');
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
    const { payload } = await jwtVerify(idToken, jwks, { issuer: server.issuer, audience: 'www' });
    for (const claim of [
      'iss',
      'sub',
      'aud',
      'azp',
      'exp',
      'iat',
      'nbf',
      'jti',
      'auth_time',
      'acr',
      'at_hash',
    ]) {
      assert.ok(payload[claim] !== undefined, `claim ${claim} is present`);
    }
    assert.equal(payload.sub, 'johndoe');
    assert.equal(payload['azp'], 'www');
    assert.equal(payload['purpose'], 'id');
    assert.equal(payload['nonce'], 'n-0S6_WzA2Mj');
    assert.equal(payload['acr'], 'urn:tessera:authentication:html-form:username-password');
    assert.equal(payload['at_hash'], leftHalfHash(res.json['access_token'] as string, 'RS256'));
  });

  test('the refresh token gets a new access token and, with openid, a new ID token', async () => {
    const first = await token(
      { grant_type: 'authorization_code', code: await code({ scope: 'openid' }), redirect_uri: CALLBACK },
      basic('www', WWW_SECRET),
    );
    const refreshed = await token(
      { grant_type: 'refresh_token', refresh_token: first.json['refresh_token'] as string },
      basic('www', WWW_SECRET),
    );
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.json['access_token'], first.json['access_token']);
    assert.equal(typeof refreshed.json['id_token'], 'string');
  });

  test('omitting redirect_uri with scope openid is a bad request', async () => {
    const response = await browser.request(
      authorizeUrl({ response_type: 'code', client_id: 'www', scope: 'openid', state: 'x' }),
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null, 'no redirect');
  });
});

describe('the seed variant with refresh tokens switched off', () => {
  let noRefresh: TestServer;
  before(async () => {
    noRefresh = await startServer({
      config: {
        clients: [
          {
            client_id: 'www',
            redirect_uris: [CALLBACK],
            secret: WWW_SECRET,
            scopes: ['openid'],
            refresh_token: { enabled: false },
          },
        ],
      },
    });
  });
  after(() => noRefresh.close());

  test('the token response has no refresh_token, and the refresh grant is unauthorized_client', async () => {
    const agent = new UserAgent();
    const url = `${noRefresh.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ response_type: 'code', client_id: 'www', redirect_uri: CALLBACK })}`;
    const login = await agent.follow(url);
    const registration = await agent.follow(
      new URL(/href="([^"]*register[^"]*)"/.exec(login.body)![1]!.replace(/&amp;/g, '&'), noRefresh.url).href,
    );
    const done = await agent.submit(registration, { username: 'jane', password: 'correct horse battery' });
    const code = new URL(done.headers.get('location')!).searchParams.get('code')!;
    const res = await fetch(`${noRefresh.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('www', WWW_SECRET),
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 200);
    assert.equal(json['refresh_token'], undefined);
    const refresh = await fetch(`${noRefresh.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('www', WWW_SECRET),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'anything' }),
    });
    assert.equal(refresh.status, 400);
    assert.equal(((await refresh.json()) as Record<string, unknown>)['error'], 'unauthorized_client');
  });
});
