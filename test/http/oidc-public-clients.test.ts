// Public clients (RFC 8252, RFC 9700 §2.1.1): PKCE required, no secret, loopback ports, private-use schemes, CORS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  authorizeUrl,
  basic,
  CALLBACK,
  callback,
  codeFor,
  introspect,
  pkce,
  signUp,
  token,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const SPA_CALLBACK = 'https://spa.example.com/callback';
const LOOPBACK = 'http://127.0.0.1/cb';
const NATIVE = 'com.example.app:/oauth2redirect';
let server: TestServer;
let agent: UserAgent;

before(async () => {
  server = await startServer({
    config: {
      clients: [
        wwwClient,
        {
          client_id: 'spa',
          token_endpoint_auth_method: 'none',
          redirect_uris: [SPA_CALLBACK, LOOPBACK, NATIVE],
          scopes: ['openid', 'profile'],
          allowed_cors_origins: ['https://app.example.org'],
        },
        {
          client_id: 'plain-ok',
          token_endpoint_auth_method: 'none',
          redirect_uris: [SPA_CALLBACK],
          allow_plain_pkce: true,
        },
        { ...wwwClient, client_id: 'strict', require_pkce: true },
      ],
    },
  });
  agent = await signUp(server, 'pat');
});
after(() => server.close());

const spa = (params: Record<string, string>) =>
  authorizeUrl(server, {
    response_type: 'code',
    client_id: 'spa',
    redirect_uri: SPA_CALLBACK,
    scope: 'openid',
    state: 'st-p',
    ...params,
  });

/** A code for the spa client with an S256 challenge, and its verifier. */
async function spaCode(redirectUri = SPA_CALLBACK): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const code = await codeFor(server, agent, {
    client_id: 'spa',
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { code, verifier };
}

/** Redeems a code of the public client `spa` at the token endpoint: client_id in the body, no secret. */
function redeemSpa(code: string, extra: Record<string, string> = {}) {
  return token(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: SPA_CALLBACK,
    client_id: 'spa',
    ...extra,
  });
}

describe('PKCE policy', () => {
  test('a public client without code_challenge is redirected with invalid_request, state and iss', async () => {
    const params = callback(await agent.request(spa({})), SPA_CALLBACK);
    assert.equal(params.get('error'), 'invalid_request');
    assert.match(params.get('error_description') ?? '', /PKCE|code_challenge/);
    assert.equal(params.get('state'), 'st-p');
    assert.equal(params.get('iss'), server.issuer);
  });

  test('a confidential client with require_pkce and no code_challenge is invalid_request', async () => {
    const params = callback(
      await agent.request(
        authorizeUrl(server, { response_type: 'code', client_id: 'strict', redirect_uri: CALLBACK }),
      ),
    );
    assert.equal(params.get('error'), 'invalid_request');
  });

  test('a confidential client without require_pkce may omit PKCE', async () => {
    assert.ok(await codeFor(server, agent, { client_id: 'www' }));
  });

  test('code_challenge_method=plain (or no method) is refused unless the client allows plain', async () => {
    const { verifier } = pkce();
    for (const extra of [{ code_challenge_method: 'plain' }, {}]) {
      const params = callback(await agent.request(spa({ code_challenge: verifier, ...extra })), SPA_CALLBACK);
      assert.equal(params.get('error'), 'invalid_request', JSON.stringify(extra));
    }
  });

  test('a client with allow_plain_pkce may use plain, and the verifier must equal the challenge', async () => {
    const { verifier } = pkce();
    const code = await codeFor(server, agent, {
      client_id: 'plain-ok',
      redirect_uri: SPA_CALLBACK,
      code_challenge: verifier,
      code_challenge_method: 'plain',
    });
    const res = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: SPA_CALLBACK,
      client_id: 'plain-ok',
      code_verifier: verifier,
    });
    assert.equal(res.status, 200, res.text);
  });

  test('an unknown code_challenge_method is invalid_request', async () => {
    const { challenge } = pkce();
    const params = callback(
      await agent.request(spa({ code_challenge: challenge, code_challenge_method: 'S512' })),
      SPA_CALLBACK,
    );
    assert.equal(params.get('error'), 'invalid_request');
  });
});

describe('public client at the token endpoint', () => {
  test('the token request works with client_id and code_verifier alone', async () => {
    const { code, verifier } = await spaCode();
    const res = await redeemSpa(code, { code_verifier: verifier });
    assert.equal(res.status, 200, res.text);
    assert.equal(typeof res.json['access_token'], 'string');
    assert.equal(typeof res.json['id_token'], 'string');
  });

  test('refresh-token rotation is on by default for a public client', async () => {
    const { code, verifier } = await spaCode();
    const first = await redeemSpa(code, { code_verifier: verifier });
    const refresh = first.json['refresh_token'] as string;
    const next = await token(server, {
      grant_type: 'refresh_token',
      refresh_token: refresh,
      client_id: 'spa',
    });
    assert.equal(next.status, 200, next.text);
    assert.equal(typeof next.json['refresh_token'], 'string');
    assert.notEqual(next.json['refresh_token'], refresh);
  });

  test('the token request without code_verifier is invalid_grant', async () => {
    const { code } = await spaCode();
    const res = await redeemSpa(code);
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_grant');
  });

  test('a wrong code_verifier is invalid_grant', async () => {
    const { code } = await spaCode();
    const res = await redeemSpa(code, { code_verifier: pkce().verifier });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_grant');
  });

  test('a public client that sends a client_secret (body or Basic) is invalid_client', async () => {
    const { code, verifier } = await spaCode();
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: SPA_CALLBACK,
      code_verifier: verifier,
    };
    const inBody = await token(server, { ...form, client_id: 'spa', client_secret: 'x'.repeat(40) });
    assert.equal(inBody.status, 401);
    assert.equal(inBody.json['error'], 'invalid_client');
    const inBasic = await token(server, form, basic('spa', 'x'.repeat(40)));
    assert.equal(inBasic.status, 401);
    assert.equal(inBasic.json['error'], 'invalid_client');
    const still = await token(server, { ...form, client_id: 'spa' });
    assert.equal(still.status, 200, 'the failed attempts did not consume the code');
  });

  test('a confidential client cannot authenticate with client_id alone', async () => {
    const code = await codeFor(server, agent, { client_id: 'www' });
    const res = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: 'www',
    });
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
  });

  test('a public client cannot introspect tokens: client_id alone is 401 invalid_client (RFC 7662 §2.1)', async () => {
    const live = await token(
      server,
      {
        grant_type: 'authorization_code',
        code: await codeFor(server, agent, { client_id: 'www' }),
        redirect_uri: CALLBACK,
      },
      basic('www', WWW_SECRET),
    );
    const res = await fetch(`${server.url}/oauth/v2/oauth-introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: live.json['access_token'] as string, client_id: 'spa' }),
    });
    const body = await res.text();
    assert.equal(res.status, 401, `a public client introspected another client's token: ${body}`);
    assert.equal((JSON.parse(body) as Record<string, unknown>)['error'], 'invalid_client');
  });

  test('introspection without any client identification is 401 invalid_client', async () => {
    const res = await introspect(server, 'anything', undefined);
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
  });
});

describe('redirect URIs of a public client (RFC 8252)', () => {
  test('a registered loopback redirect URI matches with any port', async () => {
    const sent = 'http://127.0.0.1:51234/cb';
    const { code, verifier } = await spaCode(sent);
    const res = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: sent,
      client_id: 'spa',
      code_verifier: verifier,
    });
    assert.equal(res.status, 200, res.text);
  });

  test('the token request must repeat the loopback redirect URI with the same port', async () => {
    const { code, verifier } = await spaCode('http://127.0.0.1:51234/cb');
    const res = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:51235/cb',
      client_id: 'spa',
      code_verifier: verifier,
    });
    assert.equal(res.json['error'], 'invalid_grant');
  });

  test('other hosts, paths, schemes and ports on non-loopback URIs must match exactly (error page, no redirect)', async () => {
    const { challenge } = pkce();
    for (const uri of [
      'http://127.0.0.1:51234/other',
      'http://127.0.0.1:51234/cb/',
      'http://127.0.0.2:51234/cb',
      'http://localhost:51234/cb',
      'https://127.0.0.1:51234/cb',
      'http://127.0.0.1:51234/cb?x=1',
      'https://spa.example.com:8443/callback',
      'https://spa.example.com/callback/',
      'com.example.app:/other',
      'com.example.evil:/oauth2redirect',
    ]) {
      const res = await agent.request(
        spa({ redirect_uri: uri, code_challenge: challenge, code_challenge_method: 'S256' }),
      );
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get('location'), null, uri);
    }
  });

  test('the loopback port wildcard is for public clients only', async () => {
    const res = await agent.request(
      authorizeUrl(server, {
        response_type: 'code',
        client_id: 'www',
        redirect_uri: 'http://localhost:51234/callback',
      }),
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  test('a private-use URI scheme redirect receives the code', async () => {
    const { code, verifier } = await spaCode(NATIVE);
    const res = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: NATIVE,
      client_id: 'spa',
      code_verifier: verifier,
    });
    assert.equal(res.status, 200, res.text);
  });
});

describe('CORS on the token endpoint', () => {
  const preflight = (origin: string) =>
    fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  for (const origin of ['https://spa.example.com', 'https://app.example.org']) {
    test(`the preflight from a registered origin (${origin}) is allowed`, async () => {
      const res = await preflight(origin);
      assert.ok(res.status === 204 || res.status === 200, `status ${res.status}`);
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /content-type/i);
    });
  }

  test('the preflight from an unregistered origin gets no Access-Control-Allow-Origin', async () => {
    for (const origin of ['https://evil.example', 'https://spa.example.com.evil.example', 'null']) {
      const res = await preflight(origin);
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(res.headers.get('access-control-allow-methods'), null, origin);
    }
  });

  test('the token response carries Access-Control-Allow-Origin for a registered origin only', async () => {
    const { code, verifier } = await spaCode();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: SPA_CALLBACK,
      client_id: 'spa',
      code_verifier: verifier,
    });
    const headers = (origin: string) => ({
      'content-type': 'application/x-www-form-urlencoded',
      origin,
    });
    const allowed = await fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: headers('https://spa.example.com'),
      body: form,
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://spa.example.com');
    assert.match(allowed.headers.get('vary') ?? '', /origin/i);
    const foreign = await fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: headers('https://evil.example'),
      body: form,
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  test('the token endpoint does not allow credentialed CORS (no Access-Control-Allow-Credentials)', async () => {
    const res = await preflight('https://spa.example.com');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });
});

test('a confidential client authenticates with its secret as before', async () => {
  const code = await codeFor(server, agent, { client_id: 'www' });
  const res = await token(
    server,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
    basic('www', WWW_SECRET),
  );
  assert.equal(res.status, 200);
});
