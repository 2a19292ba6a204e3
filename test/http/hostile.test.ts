// Bad and hostile input at every endpoint: the RFC's error with a useful description, never a 500 or a hang.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { basic, UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const CALLBACK = 'http://localhost/callback';

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(server.url + path, { method: 'POST', headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('token endpoint refuses malformed requests with the RFC error', () => {
  test('a JSON body gets 400 invalid_request saying the body must be form-encoded', async () => {
    const res = await post('/oauth/v2/oauth-token', JSON.stringify({ grant_type: 'authorization_code' }), {
      'content-type': 'application/json',
      authorization: basic('www', WWW_SECRET),
    });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
    assert.match(res.json['error_description'] as string, /x-www-form-urlencoded/);
  });

  test('a malformed JSON body still gets invalid_request, not a parser stack trace', async () => {
    const res = await post('/oauth/v2/oauth-token', '{"grant_type":', { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
    assert.doesNotMatch(res.text, /at .*\.(js|ts):\d+/);
  });

  test('an unknown content type gets invalid_request', async () => {
    const res = await post('/oauth/v2/oauth-token', 'x', { 'content-type': 'application/xml' });
    assert.equal(res.json['error'], 'invalid_request');
    assert.ok(res.status >= 400 && res.status < 500);
  });

  test('an oversized body is refused with 413 invalid_request', async () => {
    const res = await post('/oauth/v2/oauth-token', `grant_type=${'a'.repeat(200_000)}`, FORM);
    assert.equal(res.status, 413);
    assert.equal(res.json['error'], 'invalid_request');
  });

  test('a repeated parameter is invalid_request naming it', async () => {
    const res = await post('/oauth/v2/oauth-token', 'grant_type=authorization_code&code=a&code=b', {
      ...FORM,
      authorization: basic('www', WWW_SECRET),
    });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
    assert.match(res.json['error_description'] as string, /code/);
  });

  test('missing grant_type is invalid_request; an unknown one is unsupported_grant_type', async () => {
    const missing = await post('/oauth/v2/oauth-token', 'code=x', {
      ...FORM,
      authorization: basic('www', WWW_SECRET),
    });
    assert.equal(missing.json['error'], 'invalid_request');
    const unknown = await post('/oauth/v2/oauth-token', 'grant_type=password', {
      ...FORM,
      authorization: basic('www', WWW_SECRET),
    });
    assert.equal(unknown.json['error'], 'unsupported_grant_type');
  });

  test('a wrong secret over Basic is 401 invalid_client with a Basic WWW-Authenticate challenge', async () => {
    const res = await post('/oauth/v2/oauth-token', 'grant_type=authorization_code&code=x', {
      ...FORM,
      authorization: basic('www', 'wrong-secret-wrong-secret-wrong-secret'),
    });
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  test('malformed Basic credentials are invalid_client, not a crash', async () => {
    for (const authorization of [
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Basic JTZ6OiU=',
    ]) {
      const res = await post('/oauth/v2/oauth-token', 'grant_type=authorization_code&code=x', {
        ...FORM,
        authorization,
      });
      assert.equal(res.status, 401, authorization);
      assert.equal(res.json['error'], 'invalid_client');
    }
  });

  test('no client authentication at all is 401 invalid_client', async () => {
    const res = await post(
      '/oauth/v2/oauth-token',
      'grant_type=authorization_code&code=x&client_id=www',
      FORM,
    );
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
  });

  test('GET on the token endpoint is 405 with Allow: POST', async () => {
    const res = await fetch(`${server.url}/oauth/v2/oauth-token?grant_type=authorization_code`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal(((await res.json()) as Record<string, unknown>)['error'], 'invalid_request');
  });

  test('error responses are not cacheable', async () => {
    const res = await post('/oauth/v2/oauth-token', 'grant_type=nope', {
      ...FORM,
      authorization: basic('www', WWW_SECRET),
    });
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });
});

describe('authorization endpoint never redirects to an untrusted place', () => {
  const authorize = (query: string) =>
    fetch(`${server.url}/oauth/v2/oauth-authorize?${query}`, { redirect: 'manual' });

  test('an unknown client gets an error page, not a redirect', async () => {
    const res = await authorize(
      `response_type=code&client_id=evil&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  test('an unregistered redirect_uri gets an error page, not a redirect', async () => {
    for (const uri of [
      'https://evil.example/cb',
      `${CALLBACK}/`,
      `${CALLBACK}?x=1`,
      'HTTP://localhost/callback',
    ]) {
      const res = await authorize(`response_type=code&client_id=www&redirect_uri=${encodeURIComponent(uri)}`);
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get('location'), null, uri);
    }
  });

  test('the error page escapes what it shows', async () => {
    const res = await authorize('response_type=code&client_id=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    const body = await res.text();
    assert.doesNotMatch(body, /<script>/);
  });

  test('other errors are redirected with error, error_description, state and iss', async () => {
    const res = await authorize(
      `response_type=token&client_id=www&redirect_uri=${encodeURIComponent(CALLBACK)}&state=s%20t`,
    );
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
    assert.ok(location.searchParams.get('error_description'));
    assert.equal(location.searchParams.get('state'), 's t');
    assert.equal(location.searchParams.get('iss'), server.issuer);
  });

  test('broken percent-encoding in the query does not cause a server error', async () => {
    const res = await authorize('response_type=code&client_id=%E0%A4%A&redirect_uri=%');
    assert.ok(res.status < 500, `status ${res.status}`);
  });

  test('a POST authorization request with a form body is accepted like GET', async () => {
    const res = await fetch(`${server.url}/oauth/v2/oauth-authorize`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ response_type: 'code', client_id: 'www', redirect_uri: CALLBACK }),
      redirect: 'manual',
    });
    assert.equal(res.status, 303);
    assert.match(
      res.headers.get('location') ?? '',
      /\/authn\/authenticate\/html-form\/username-password\?return_to=/,
    );
  });
});

describe('Authentication Service pages are hardened', () => {
  test('pages send a strict CSP with frame-ancestors none, X-Frame-Options DENY and a Referrer-Policy', async () => {
    const res = await fetch(`${server.url}/authn/authenticate/html-form/username-password`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });

  test('a login POST without the CSRF token is refused with 403', async () => {
    const res = await fetch(`${server.url}/authn/authenticate/html-form/username-password`, {
      method: 'POST',
      headers: FORM,
      body: 'username=a&password=b',
    });
    assert.equal(res.status, 403);
  });

  test('the return_to of a login cannot point anywhere but the authorization endpoint', async () => {
    const agent = new UserAgent();
    const page = await agent.request(
      `${server.url}/authn/authenticate/html-form/username-password?return_to=${encodeURIComponent('https://evil.example/')}`,
    );
    assert.doesNotMatch(page.body, /evil\.example/);
  });

  test('the SSO cookie is HttpOnly and SameSite=Lax, and an unknown user and a wrong password get the same message', async () => {
    const agent = new UserAgent();
    const register = await agent.request(`${server.url}/authn/register/html-form/username-password`);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(register.body)![1]!;
    const res = await fetch(`${server.url}/authn/register/html-form/username-password`, {
      method: 'POST',
      headers: { ...FORM, cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: new URLSearchParams({ _csrf: csrf, username: 'cookie-user', password: 'long enough password' }),
      redirect: 'manual',
    });
    const sso = res.headers.getSetCookie().find((c) => c.startsWith('tessera_sso='));
    assert.ok(sso, 'registration logs the user in');
    assert.match(sso, /HttpOnly/i);
    assert.match(sso, /SameSite=Lax/i);

    const login = await agent.request(`${server.url}/authn/authenticate/html-form/username-password`);
    const unknown = await agent.submit(login, { username: 'nobody-here', password: 'whatever password' });
    const wrong = await agent.submit(login, { username: 'cookie-user', password: 'not the password' });
    const message = (body: string) => /role="alert"[^>]*>([^<]*)</.exec(body)?.[1];
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal(message(unknown.body), message(wrong.body));
  });

  test('registering a taken username is refused with a field error', async () => {
    const agent = new UserAgent();
    const page = await agent.request(`${server.url}/authn/register/html-form/username-password`);
    await agent.submit(page, { username: 'taken', password: 'long enough password' });
    const again = new UserAgent();
    const page2 = await again.request(`${server.url}/authn/register/html-form/username-password`);
    const res = await again.submit(page2, { username: 'TAKEN', password: 'long enough password' });
    assert.equal(res.status, 400);
    assert.match(res.body, /username is taken/);
  });
});

describe('userinfo', () => {
  test('no token or a bad token is 401 invalid_token with a Bearer challenge', async () => {
    const none = await fetch(`${server.url}/oauth/v2/oauth-userinfo`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm="tessera", DPoP /);
    // RFC 6750 §3.1: without any credentials, no error code or other error information.
    assert.doesNotMatch(none.headers.get('www-authenticate') ?? '', /error/);
    assert.equal(await none.text(), '');
    const bad = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });
});

describe('refusals before routing', () => {
  test('a path that is not valid percent-encoding gets the error page with the security headers', async () => {
    const res = await fetch(`${server.url}/authn/authenticate/html-form/%E0%A4%A`);
    const text = await res.text();
    assert.equal(res.status, 400);
    assert.doesNotMatch(text, /FST_/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });
});
