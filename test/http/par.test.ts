// Pushed (RFC 9126) and signed (RFC 9101) authorization requests over HTTP: push, authorize, redeem, and the refusals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  authorizeUrl,
  basic,
  CALLBACK,
  callback,
  logIn,
  pkce,
  postForm,
  signUp,
  token,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Response, UserAgent } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
const signer = await generateKeyPair('ES256', { extractable: true });
const stranger = await generateKeyPair('ES256', { extractable: true });
const WWW = basic('www', WWW_SECRET);
let server: TestServer;
let alice: UserAgent;

before(async () => {
  const jwks = { keys: [{ ...(await exportJWK(signer.publicKey)), kid: 'k1', alg: 'ES256' }] };
  const clients = [
    wwwClient,
    { ...wwwClient, client_id: 'par-only', require_pushed_authorization_requests: true },
    { ...wwwClient, client_id: 'other' },
    { client_id: 'signer', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt', jwks },
  ];
  server = await startServer({ clock, config: { clients } });
  alice = await signUp(server, 'alice');
});
after(() => server.close());

const parUrl = () => `${server.url}/oauth/v2/oauth-par`;
const request = (extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: 'www',
  redirect_uri: CALLBACK,
  scope: 'openid profile',
  state: 'st-par',
  ...extra,
});
/** POSTs to the PAR endpoint, as www (HTTP Basic) unless `authorization` says otherwise (null: none). */
const push = (form: Record<string, string>, authorization: string | null = WWW) =>
  postForm(parUrl(), form, authorization === null ? {} : { authorization });

async function pushed(
  form: Record<string, string> = request(),
  authorization: string | null = WWW,
): Promise<string> {
  const res = await push(form, authorization);
  assert.equal(res.status, 201, res.text);
  return res.json['request_uri'] as string;
}

const viaPar = (requestUri: string, clientId = 'www', extra: Record<string, string> = {}) =>
  authorizeUrl(server, { client_id: clientId, request_uri: requestUri, ...extra });

function errorPage(response: Response, code: string): void {
  assert.equal(
    response.status,
    400,
    `expected an error page, got ${response.status} ${response.headers.get('location')}`,
  );
  assert.match(response.body, new RegExp(`<code>${code}</code>`));
}

const now = () => clock.nowSeconds();

function requestObject(
  claims: Record<string, unknown>,
  key = signer.privateKey,
  alg = 'ES256',
): Promise<string> {
  return new SignJWT({
    iss: 'signer',
    aud: server.issuer,
    client_id: 'signer',
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'inner',
    iat: now(),
    exp: now() + 300,
    ...claims,
  })
    .setProtectedHeader({ alg, typ: 'oauth-authz-req+jwt', kid: 'k1' })
    .sign(key);
}

async function signerAssertion(): Promise<Record<string, string>> {
  const jwt = await new SignJWT({ jti: `a-${Math.random()}` })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer('signer')
    .setSubject('signer')
    .setAudience(server.issuer)
    .setIssuedAt(now())
    .setExpirationTime(now() + 60)
    .sign(signer.privateKey);
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: jwt,
  };
}

describe('PAR: push, authorize, redeem (RFC 9126)', () => {
  test('201 with a URN request_uri and expires_in, not cached; the code it leads to is redeemed', async () => {
    const { verifier, challenge } = pkce();
    const res = await push(request({ code_challenge: challenge, code_challenge_method: 'S256' }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.json['request_uri'] as string, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    assert.equal(res.json['expires_in'], 60);
    const query = callback(await alice.request(viaPar(res.json['request_uri'] as string)));
    assert.equal(query.get('state'), 'st-par', "the pushed request's state comes back");
    const tokens = await token(
      server,
      {
        grant_type: 'authorization_code',
        code: query.get('code')!,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      },
      WWW,
    );
    assert.equal(tokens.status, 200, tokens.text);
    assert.equal(tokens.json['scope'], 'openid profile');
  });

  test('a request_uri is single use: the second authorization request is refused on an error page', async () => {
    const uri = await pushed();
    assert.ok(callback(await alice.request(viaPar(uri))).get('code'));
    errorPage(await alice.request(viaPar(uri)), 'invalid_request_uri');
  });

  test('an expired request_uri is refused', async () => {
    const uri = await pushed();
    clock.advance(61);
    errorPage(await alice.request(viaPar(uri)), 'invalid_request_uri');
  });

  test("another client's request_uri is refused (RFC 9126 §4)", async () => {
    const uri = await pushed();
    errorPage(await alice.request(viaPar(uri, 'other')), 'invalid_request_uri');
  });

  test('a login in between keeps the pushed request; the URL carries no parameter of it', async () => {
    const agent = new UserAgent();
    await signUp(server, 'bob');
    const page = await agent.follow(viaPar(await pushed(request({ nonce: 'secret-nonce' }))));
    assert.match(page.body, /<h1>Log in<\/h1>/);
    const returnTo = new URL(page.url).searchParams.get('return_to')!;
    assert.doesNotMatch(returnTo, /scope|state|nonce|redirect_uri/);
    const query = callback(await logIn(agent, page, 'bob'));
    assert.ok(query.get('code'));
    assert.equal(query.get('state'), 'st-par');
  });
});

describe('PAR with DPoP (RFC 9449 §10.1)', () => {
  const dpopKey = generateKeyPair('ES256', { extractable: true });
  async function proof(htu: string): Promise<string> {
    const { publicKey, privateKey } = await dpopKey;
    return new SignJWT({ jti: `d-${Math.random()}`, htm: 'POST', htu, iat: now() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
      .sign(privateKey);
  }

  test('a DPoP proof at the push binds the code: redeemed only with a proof of the same key', async () => {
    const res = await postForm(parUrl(), request(), { authorization: WWW, dpop: await proof(parUrl()) });
    assert.equal(res.status, 201, res.text);
    const code = callback(await alice.request(viaPar(res.json['request_uri'] as string))).get('code')!;
    const redeem = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK };
    const tokenUrl = `${server.url}/oauth/v2/oauth-token`;
    const bearer = await token(server, redeem, WWW);
    assert.equal(bearer.status, 400, 'without a proof the bound code is refused');
    const bound = await postForm(tokenUrl, redeem, { authorization: WWW, dpop: await proof(tokenUrl) });
    assert.equal(bound.status, 200, bound.text);
    assert.equal(bound.json['token_type'], 'DPoP');
  });
});

describe('PAR: refusals at the endpoint (RFC 9126 §2.3, JSON, never a redirect)', () => {
  test('without client authentication: 401 invalid_client', async () => {
    const res = await push(request(), null);
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
  });

  test('request_uri in the body: 400 invalid_request', async () => {
    const res = await push(request({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }));
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
  });

  test('an unregistered redirect_uri is answered in JSON, not redirected', async () => {
    const res = await push(request({ redirect_uri: 'https://evil.example/cb' }));
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
    assert.equal(res.headers.get('location'), null);
  });

  test('GET is 405', async () => {
    assert.equal((await fetch(parUrl())).status, 405);
  });

  test('garbage never makes a 500: a malformed request object, a huge body, odd request_uri values', async () => {
    const malformed = await push({ client_id: 'www', request: 'eyJhbGciOiJFUzI1NiJ9.%%%.x' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json['error'], 'invalid_request_object');
    const huge = await push(request({ state: 'x'.repeat(2_000_000) }));
    assert.ok(huge.status === 413 || huge.status === 400, `status ${huge.status}`);
    for (const odd of [
      'urn:ietf:params:oauth:request_uri:<script>',
      'urn:ietf:params:oauth:request_uri:é',
      '%',
      ' ',
      'urn:ietf:params:oauth:request_uri:' + 'a'.repeat(5000),
    ]) {
      const res = await alice.request(viaPar(odd));
      assert.equal(res.status, 400, odd);
    }
  });
});

describe('PAR required (RFC 9126 §5)', () => {
  test('a PAR-only client sending a plain request is redirected with invalid_request', async () => {
    const query = callback(await alice.request(authorizeUrl(server, request({ client_id: 'par-only' }))));
    assert.equal(query.get('error'), 'invalid_request');
    assert.equal(query.get('error_description'), 'pushed authorization request required');
    assert.equal(query.get('state'), 'st-par');
  });

  test('the same client through PAR gets its code', async () => {
    const uri = await pushed(request({ client_id: 'par-only' }), basic('par-only', WWW_SECRET));
    assert.ok(callback(await alice.request(viaPar(uri, 'par-only'))).get('code'));
  });
});

describe('request objects (RFC 9101)', () => {
  const byValue = (jwt: string, extra: Record<string, string> = {}) =>
    alice.request(authorizeUrl(server, { client_id: 'signer', request: jwt, ...extra }));

  test('a request object signed with the client key yields a code; outer parameters are ignored', async () => {
    const query = callback(
      await byValue(await requestObject({}), { state: 'outer', scope: 'openid profile' }),
    );
    assert.ok(query.get('code'));
    assert.equal(query.get('state'), 'inner');
  });

  test('alg none, a stranger key, a wrong aud, a client_id mismatch: invalid_request_object', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'signer', aud: server.issuer })).toString('base64url')}.`;
    for (const jwt of [
      none,
      await requestObject({}, stranger.privateKey),
      await requestObject({ aud: 'https://elsewhere.example' }),
      await requestObject({ client_id: 'www' }),
    ]) {
      const query = callback(await byValue(jwt, { state: 'outer' }));
      assert.equal(query.get('error'), 'invalid_request_object');
      assert.equal(query.get('state'), 'outer', 'the error goes to the trusted client with the outer state');
    }
  });

  test('a request object inside PAR, from a private_key_jwt client', async () => {
    const res = await push(
      { client_id: 'signer', request: await requestObject({}), ...(await signerAssertion()) },
      null,
    );
    assert.equal(res.status, 201, res.text);
    const query = callback(await alice.request(viaPar(res.json['request_uri'] as string, 'signer')));
    assert.ok(query.get('code'));
    assert.equal(query.get('state'), 'inner');
  });
});

describe('discovery', () => {
  test('advertises the PAR endpoint, request objects and their algorithms, and no request_uri by reference', async () => {
    const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(meta['pushed_authorization_request_endpoint'], parUrl());
    assert.equal(meta['require_pushed_authorization_requests'], false);
    assert.equal(meta['request_parameter_supported'], true);
    assert.equal(meta['request_uri_parameter_supported'], false);
    assert.ok((meta['request_object_signing_alg_values_supported'] as string[]).includes('ES256'));
    assert.ok(!(meta['request_object_signing_alg_values_supported'] as string[]).includes('none'));
  });
});
