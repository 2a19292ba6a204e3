// DPoP over HTTP (RFC 9449): bound tokens from the token endpoint, UserInfo with the DPoP scheme, server nonces.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, CALLBACK, codeFor, introspect, pkce, postForm, revoke, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';
import { type DpopKey, dpopKey, proof } from '../unit/protocol/dpop/proofs.ts';

const WWW_AUTH = basic('www', WWW_SECRET);
const BOUND_AUTH = basic('bound', WWW_SECRET);
const clients = [
  wwwClient,
  { ...wwwClient, client_id: 'bound', dpop_bound_access_tokens: true },
  {
    client_id: 'spa',
    token_endpoint_auth_method: 'none',
    redirect_uris: [CALLBACK],
    scopes: ['openid'],
    refresh_token: { rotation: true },
  },
];
const now = () => Math.floor(Date.now() / 1000);
let server: TestServer;
let agent: UserAgent;
let key: DpopKey;
let otherKey: DpopKey;

before(async () => {
  server = await startServer({ config: { clients } });
  agent = await signUp(server, 'dora');
  key = await dpopKey('ES256');
  otherKey = await dpopKey('EdDSA');
});
after(() => server.close());

/** POST to the token endpoint with a proof made with `k` (none when k is undefined). */
async function tokenRequest(
  s: TestServer,
  form: Record<string, string>,
  options: { auth?: string; key?: DpopKey; nonce?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.auth) headers['authorization'] = options.auth;
  if (options.key) {
    headers['dpop'] = await proof(options.key, {
      htu: s.tessera.endpoints.token,
      iat: now(),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    });
  }
  return postForm(s.tessera.endpoints.token, form, headers);
}

async function userinfo(s: TestServer, authorization: string, k?: DpopKey, nonce?: string) {
  const headers: Record<string, string> = { authorization };
  if (k) {
    headers['dpop'] = await proof(k, {
      htm: 'GET',
      htu: s.tessera.endpoints.userinfo,
      iat: now(),
      accessToken: authorization.split(' ')[1]!,
      ...(nonce === undefined ? {} : { nonce }),
    });
  }
  return fetch(s.tessera.endpoints.userinfo, { headers });
}

/** A fresh code of `clientId` for dora, with PKCE, plus any extra authorization parameters. */
async function code(s: TestServer, a: UserAgent, clientId: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const value = await codeFor(s, a, {
    client_id: clientId,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  return { grant_type: 'authorization_code', code: value, redirect_uri: CALLBACK, code_verifier: verifier };
}

describe('DPoP at the token endpoint and introspection', () => {
  test('a proof makes token_type DPoP; introspection says DPoP with cnf.jkt (§5, §6.2)', async () => {
    const res = await tokenRequest(server, await code(server, agent, 'www'), { auth: WWW_AUTH, key });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json['token_type'], 'DPoP');
    const info = await introspect(server, res.json['access_token'] as string, WWW_AUTH);
    assert.equal(info.json['active'], true);
    assert.equal(info.json['token_type'], 'DPoP');
    assert.deepEqual(info.json['cnf'], { jkt: key.jkt });
  });

  test('an invalid proof is 400 invalid_dpop_proof (§5)', async () => {
    const headers = {
      authorization: WWW_AUTH,
      dpop: await proof(key, { htu: server.tessera.endpoints.userinfo, iat: now() }),
    };
    const res = await postForm(server.tessera.endpoints.token, await code(server, agent, 'www'), headers);
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_dpop_proof');
  });

  test('a client registered with dpop_bound_access_tokens is refused without a proof (§5.2)', async () => {
    const form = await code(server, agent, 'bound');
    const res = await tokenRequest(server, form, { auth: BOUND_AUTH });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
    assert.match(res.json['error_description'] as string, /DPoP proof required/);
    const bound = await tokenRequest(server, form, { auth: BOUND_AUTH, key });
    assert.equal(bound.json['token_type'], 'DPoP', bound.text);
  });

  test('a code bound with dpop_jkt, redeemed with another key, is invalid_grant (§10)', async () => {
    const form = await code(server, agent, 'www', { dpop_jkt: key.jkt });
    const res = await tokenRequest(server, form, { auth: WWW_AUTH, key: otherKey });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_grant');
    const right = await tokenRequest(server, form, { auth: WWW_AUTH, key });
    assert.equal(right.status, 200, right.text);
  });

  test('a public client’s refresh token only refreshes with a proof of its key (§5)', async () => {
    const first = await tokenRequest(
      server,
      { ...(await code(server, agent, 'spa')), client_id: 'spa' },
      { key },
    );
    assert.equal(first.status, 200, first.text);
    const refresh = {
      grant_type: 'refresh_token',
      client_id: 'spa',
      refresh_token: first.json['refresh_token'] as string,
    };
    const stolen = await tokenRequest(server, refresh, { key: otherKey });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.json['error'], 'invalid_grant');
    const bare = await tokenRequest(server, refresh);
    assert.equal(bare.json['error'], 'invalid_grant');
    const own = await tokenRequest(server, refresh, { key });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json['token_type'], 'DPoP');
  });

  test('the client revokes its DPoP-bound token like any other (RFC 7009)', async () => {
    const res = await tokenRequest(server, await code(server, agent, 'www'), { auth: WWW_AUTH, key });
    const access = res.json['access_token'] as string;
    assert.equal((await revoke(server, access, WWW_AUTH)).status, 200);
    assert.equal((await introspect(server, access, WWW_AUTH)).json['active'], false);
  });

  test('discovery lists dpop_signing_alg_values_supported, asymmetric algorithms only', async () => {
    const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const algs = meta['dpop_signing_alg_values_supported'] as string[];
    assert.ok(algs.includes('ES256') && algs.includes('PS256'));
    assert.ok(!algs.some((alg) => alg === 'none' || alg.startsWith('HS')));
  });
});

describe('DPoP at UserInfo (§7)', () => {
  let access: string;
  before(async () => {
    const res = await tokenRequest(server, await code(server, agent, 'www'), { auth: WWW_AUTH, key });
    access = res.json['access_token'] as string;
  });

  test('Authorization: DPoP with a proof of the bound key returns the claims', async () => {
    const res = await userinfo(server, `DPoP ${access}`, key);
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok(((await res.json()) as Record<string, unknown>)['sub']);
  });

  test('the bound token as Bearer is 401 invalid_token, with Bearer and DPoP challenges', async () => {
    const res = await userinfo(server, `Bearer ${access}`);
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer realm="tessera", error="invalid_token"/);
    assert.match(challenge, /DPoP realm="tessera", algs="[^"]*ES256[^"]*"$/);
  });

  test('a proof of another key is 401 invalid_token in a DPoP challenge', async () => {
    const res = await userinfo(server, `DPoP ${access}`, otherKey);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^DPoP realm="tessera", error="invalid_token"/);
  });
});

describe('DPoP server nonces (§8, §9)', () => {
  let nonced: TestServer;
  let nonceAgent: UserAgent;
  before(async () => {
    nonced = await startServer({ config: { clients, server: { dpop_nonce_required: true } } });
    nonceAgent = await signUp(nonced, 'nina');
  });
  after(() => nonced.close());

  test('token endpoint: use_dpop_nonce with a DPoP-Nonce, then the nonce is accepted and a fresh one sent', async () => {
    const form = await code(nonced, nonceAgent, 'www');
    const first = await tokenRequest(nonced, form, { auth: WWW_AUTH, key });
    assert.equal(first.status, 400);
    assert.equal(first.json['error'], 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    assert.ok(nonce, 'DPoP-Nonce header');
    const second = await tokenRequest(nonced, form, { auth: WWW_AUTH, key, nonce });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json['token_type'], 'DPoP');
    assert.ok(second.headers.get('dpop-nonce'), 'a success carries a nonce for the next proof');
    assert.match(second.headers.get('access-control-expose-headers') ?? '', /DPoP-Nonce/);

    const access = second.json['access_token'] as string;
    const bare = await userinfo(nonced, `DPoP ${access}`, key);
    assert.equal(bare.status, 401);
    assert.match(bare.headers.get('www-authenticate') ?? '', /^DPoP realm="tessera", error="use_dpop_nonce"/);
    const resourceNonce = bare.headers.get('dpop-nonce');
    assert.ok(resourceNonce);
    const ok = await userinfo(nonced, `DPoP ${access}`, key, resourceNonce);
    assert.equal(ok.status, 200, await ok.clone().text());
  });

  test('a made-up nonce is refused with use_dpop_nonce', async () => {
    const res = await tokenRequest(nonced, await code(nonced, nonceAgent, 'www'), {
      auth: WWW_AUTH,
      key,
      nonce: 'made-up',
    });
    assert.equal(res.json['error'], 'use_dpop_nonce');
  });
});
