// Signed tokens: JWT access tokens (RFC 9068), ID token algorithms per client, signed userinfo (OIDC Core §5.3.2).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  authorizeUrl,
  basic,
  CALLBACK,
  callback,
  claimsOf,
  introspect,
  jwks,
  revoke,
  signUp,
  tokensFor,
  verifyWithJwks,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
let agent: UserAgent;
const client = (id: string) => ({ id, secret: WWW_SECRET });

before(async () => {
  server = await startServer({
    config: {
      clients: [
        wwwClient,
        { ...wwwClient, client_id: 'jwt-at', access_token_format: 'jwt' },
        { ...wwwClient, client_id: 'ps', id_token_signed_response_alg: 'PS256' },
        { ...wwwClient, client_id: 'es', id_token_signed_response_alg: 'ES256' },
        { ...wwwClient, client_id: 'ed', id_token_signed_response_alg: 'EdDSA' },
        { ...wwwClient, client_id: 'signed-ui', userinfo_signed_response_alg: 'ES256' },
      ],
    },
  });
  agent = await signUp(server, 'jay', { email: 'jay@example.com' });
});
after(() => server.close());

const userinfo = (accessToken: string) =>
  fetch(`${server.url}/oauth/v2/oauth-userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('JWT access tokens (RFC 9068)', () => {
  test('a client with access_token_format jwt gets an at+jwt that verifies with the JWKS and has the RFC 9068 claims', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = await tokensFor(server, agent, client('jwt-at'), { scope: 'openid profile' });
    const { header, payload } = await verifyWithJwks(server, tokens.access_token, { typ: 'at+jwt' });
    assert.equal(header['typ'], 'at+jwt');
    assert.ok(header['kid']);
    assert.equal(payload.iss, server.issuer);
    assert.equal(payload.sub, 'jay');
    assert.ok(payload.aud, 'aud is present');
    assert.equal(payload['client_id'], 'jwt-at');
    assert.equal(typeof payload.jti, 'string');
    assert.ok(Math.abs(payload.iat! - now) <= 2);
    assert.equal(payload.exp, payload.iat! + 300);
    assert.equal(payload['scope'], 'openid profile');
    assert.equal(tokens.access_token.split('.').length, 3);
  });

  test('two JWT access tokens have different jti', async () => {
    const a = await tokensFor(server, agent, client('jwt-at'));
    const b = await tokensFor(server, agent, client('jwt-at'));
    assert.notEqual(claimsOf(a.access_token).jti, claimsOf(b.access_token).jti);
  });

  test('a JWT access token works at userinfo and at introspection', async () => {
    const tokens = await tokensFor(server, agent, client('jwt-at'), { scope: 'openid email' });
    const res = await userinfo(tokens.access_token);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['sub'], 'jay');
    assert.equal(body['email'], 'jay@example.com');
    const info = await introspect(server, tokens.access_token, basic('jwt-at', WWW_SECRET));
    assert.equal(info.json['active'], true);
    assert.equal(info.json['client_id'], 'jwt-at');
    assert.equal(info.json['sub'], 'jay');
  });

  test('a revoked JWT access token is refused at userinfo and inactive at introspection, although its signature is valid', async () => {
    const tokens = await tokensFor(server, agent, client('jwt-at'), { scope: 'openid' });
    await revoke(server, tokens.access_token, basic('jwt-at', WWW_SECRET));
    assert.equal((await userinfo(tokens.access_token)).status, 401);
    assert.equal(
      (await introspect(server, tokens.access_token, basic('jwt-at', WWW_SECRET))).json['active'],
      false,
    );
  });

  test('the ID token’s at_hash matches the JWT access token', async () => {
    const tokens = await tokensFor(server, agent, client('jwt-at'), { scope: 'openid' });
    const expected = createHash('sha256')
      .update(tokens.access_token)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    assert.equal(claimsOf(tokens.id_token!)['at_hash'], expected);
  });

  test('a JWT access token is not accepted as an id_token_hint', async () => {
    const tokens = await tokensFor(server, agent, client('jwt-at'), { scope: 'openid' });
    const params = callback(
      await agent.request(
        authorizeUrl(server, {
          response_type: 'code',
          client_id: 'jwt-at',
          redirect_uri: CALLBACK,
          scope: 'openid',
          prompt: 'none',
          id_token_hint: tokens.access_token,
        }),
      ),
    );
    assert.equal(params.get('error'), 'invalid_request');
  });

  test('the default access token format is opaque, not a JWT', async () => {
    const tokens = await tokensFor(server, agent, client('www'));
    assert.equal(tokens.access_token.split('.').length, 1);
    assert.match(tokens.access_token, /^[A-Za-z0-9_-]{43}$/);
  });

  test('an ID token is not accepted as an access token at userinfo', async () => {
    const tokens = await tokensFor(server, agent, client('www'), { scope: 'openid' });
    assert.equal((await userinfo(tokens.id_token!)).status, 401);
  });
});

describe('ID token signing algorithm per client', () => {
  for (const [id, alg] of [
    ['www', 'RS256'],
    ['ps', 'PS256'],
    ['es', 'ES256'],
    ['ed', 'EdDSA'],
  ] as const) {
    test(`a client with id_token_signed_response_alg ${alg} gets ID tokens signed with ${alg} that verify against the JWKS`, async () => {
      const tokens = await tokensFor(server, agent, client(id), { scope: 'openid', nonce: `n-${id}` });
      const header = decodeProtectedHeader(tokens.id_token!);
      assert.equal(header.alg, alg);
      const set = await jwks(server);
      const key = set.keys.find((k) => k['kid'] === header.kid);
      assert.ok(key, 'the kid is published');
      assert.equal(key['alg'], alg);
      assert.equal(key['use'], 'sig');
      const { payload } = await verifyWithJwks(server, tokens.id_token!, { audience: id });
      assert.equal(payload.sub, 'jay');
      assert.equal(payload['nonce'], `n-${id}`);
    });
  }

  test('an ID token does not verify when the algorithm is forced to another one', async () => {
    const tokens = await tokensFor(server, agent, client('es'), { scope: 'openid' });
    const set = createLocalJWKSet((await jwks(server)) as Parameters<typeof createLocalJWKSet>[0]);
    await assert.rejects(jwtVerify(tokens.id_token!, set, { algorithms: ['RS256'] }));
  });

  test('the JWKS publishes only public key material', async () => {
    for (const key of (await jwks(server)).keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[member], undefined, member);
    }
  });
});

describe('signed userinfo (userinfo_signed_response_alg)', () => {
  test('the response is application/jwt, signed with the client’s alg, with iss, aud and sub', async () => {
    const tokens = await tokensFor(server, agent, client('signed-ui'), { scope: 'openid email' });
    const res = await userinfo(tokens.access_token);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/jwt/);
    const jwt = await res.text();
    assert.equal(decodeProtectedHeader(jwt).alg, 'ES256');
    const { payload } = await verifyWithJwks(server, jwt, { audience: 'signed-ui' });
    assert.equal(payload.sub, 'jay');
    assert.equal(payload['email'], 'jay@example.com');
  });

  test('a client without userinfo_signed_response_alg gets plain JSON', async () => {
    const tokens = await tokensFor(server, agent, client('www'), { scope: 'openid' });
    const res = await userinfo(tokens.access_token);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(((await res.json()) as Record<string, unknown>)['sub'], 'jay');
  });

  test('a bad access token at userinfo is 401 with an RFC 6750 Bearer challenge, never a JWT', async () => {
    const res = await userinfo('not-a-token');
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  });
});

describe('userinfo request forms (OIDC Core §5.3.1, RFC 6750 §2)', () => {
  test('GET and POST with a bearer header, and POST with the token in a form body, all answer the claims', async () => {
    const tokens = await tokensFor(server, agent, client('www'), { scope: 'openid' });
    const url = `${server.url}/oauth/v2/oauth-userinfo`;
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    for (const res of [
      await fetch(url, { headers: bearer }),
      await fetch(url, { method: 'POST', headers: bearer }),
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: tokens.access_token }),
      }),
    ]) {
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Record<string, unknown>)['sub'], 'jay');
    }
  });

  test('a token in both the header and the body is invalid_request', async () => {
    const tokens = await tokensFor(server, agent, client('www'), { scope: 'openid' });
    const res = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Record<string, unknown>)['error'], 'invalid_request');
  });

  test('an access token without the openid scope is 403 insufficient_scope', async () => {
    const tokens = await tokensFor(server, agent, client('www'), { scope: 'profile' });
    const res = await userinfo(tokens.access_token);
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  });
});
