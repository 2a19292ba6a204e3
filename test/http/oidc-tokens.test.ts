// Token management: code replay revokes (RFC 6749 §4.1.2, RFC 9700 §4.2.4), introspection (RFC 7662), revocation (RFC 7009).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  basic,
  CALLBACK,
  codeFor,
  introspect,
  isActive,
  pkce,
  revoke,
  signUp,
  token,
  tokensFor,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const WWW = { id: 'www', secret: WWW_SECRET };
const OTHER = { id: 'other', secret: WWW_SECRET };
const WWW_AUTH = basic('www', WWW_SECRET);
const OTHER_AUTH = basic('other', WWW_SECRET);
const PK_AUTH = basic('pk', WWW_SECRET);
const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;
let agent: UserAgent;

before(async () => {
  server = await startServer({
    clock,
    config: {
      clients: [
        wwwClient,
        { ...wwwClient, client_id: 'other' },
        { ...wwwClient, client_id: 'pk', require_pkce: true },
      ],
    },
  });
  agent = await signUp(server, 'tom');
});

/** A code for the client `pk`, which requires PKCE (S256), and its verifier. */
async function pkCode(): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const code = await codeFor(server, agent, {
    client_id: 'pk',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { code, verifier };
}
after(() => server.close());

const redeem = (code: string, authorization = WWW_AUTH, extra: Record<string, string> = {}) =>
  token(server, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, ...extra }, authorization);

describe('an authorization code redeemed twice', () => {
  test('the second redemption is invalid_grant and the first one’s access and refresh tokens become inactive', async () => {
    const code = await codeFor(server, agent, { client_id: 'www', scope: 'openid' });
    const first = await redeem(code);
    assert.equal(first.status, 200);
    const access = first.json['access_token'] as string;
    const refresh = first.json['refresh_token'] as string;
    assert.ok(await isActive(server, access, WWW_AUTH));
    assert.ok(await isActive(server, refresh, WWW_AUTH));

    const second = await redeem(code);
    assert.equal(second.status, 400);
    assert.equal(second.json['error'], 'invalid_grant');
    assert.equal(await isActive(server, access, WWW_AUTH), false, 'access token revoked');
    assert.equal(await isActive(server, refresh, WWW_AUTH), false, 'refresh token revoked');
    const refreshed = await token(server, { grant_type: 'refresh_token', refresh_token: refresh }, WWW_AUTH);
    assert.equal(refreshed.json['error'], 'invalid_grant');
  });

  test('tokens obtained by refreshing the first redemption are revoked by the replay as well', async () => {
    const code = await codeFor(server, agent, { client_id: 'www' });
    const first = await redeem(code);
    const refreshed = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: first.json['refresh_token'] as string },
      WWW_AUTH,
    );
    assert.equal(refreshed.status, 200);
    await redeem(code);
    assert.equal(await isActive(server, refreshed.json['access_token'] as string, WWW_AUTH), false);
  });

  test('a replay with a wrong code_verifier is invalid_grant and does NOT revoke the legitimate tokens', async () => {
    const { code, verifier } = await pkCode();
    const first = await redeem(code, PK_AUTH, { code_verifier: verifier });
    assert.equal(first.status, 200);
    for (const attempt of [{ code_verifier: pkce().verifier }, {}]) {
      const replay = await redeem(code, PK_AUTH, attempt);
      assert.equal(replay.json['error'], 'invalid_grant');
    }
    assert.ok(
      await isActive(server, first.json['access_token'] as string, PK_AUTH),
      'access token still active',
    );
    assert.ok(
      await isActive(server, first.json['refresh_token'] as string, PK_AUTH),
      'refresh token still active',
    );
  });

  test('the same replay with the right code_verifier does revoke them', async () => {
    const { code, verifier } = await pkCode();
    const first = await redeem(code, PK_AUTH, { code_verifier: verifier });
    assert.equal((await redeem(code, PK_AUTH, { code_verifier: verifier })).json['error'], 'invalid_grant');
    assert.equal(await isActive(server, first.json['access_token'] as string, PK_AUTH), false);
  });

  test('a replay by another client is invalid_grant and does not revoke the legitimate tokens', async () => {
    const code = await codeFor(server, agent, { client_id: 'www' });
    const first = await redeem(code);
    const replay = await redeem(code, OTHER_AUTH);
    assert.equal(replay.json['error'], 'invalid_grant');
    assert.ok(await isActive(server, first.json['access_token'] as string, WWW_AUTH));
  });

  test('20 parallel redemptions of one code: exactly one 200, and afterwards its tokens are revoked', async () => {
    const code = await codeFor(server, agent, { client_id: 'www', scope: 'openid' });
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(code)));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `statuses: ${results.map((r) => r.status).join(' ')}`);
    for (const r of results.filter((r) => r.status !== 200)) {
      assert.equal(r.status, 400);
      assert.equal(r.json['error'], 'invalid_grant');
    }
    const winner = ok[0]!.json;
    assert.equal(await isActive(server, winner['access_token'] as string, WWW_AUTH), false);
    assert.equal(await isActive(server, winner['refresh_token'] as string, WWW_AUTH), false);
  });

  test('an expired code is invalid_grant', async () => {
    const code = await codeFor(server, agent, { client_id: 'www' });
    clock.advance(61);
    assert.equal((await redeem(code)).json['error'], 'invalid_grant');
  });
});

describe('introspection (RFC 7662)', () => {
  test('requires client authentication: none, or a wrong secret, is 401 invalid_client', async () => {
    const { access_token: access } = await tokensFor(server, agent, WWW);
    for (const authorization of [undefined, basic('www', 'w'.repeat(40)), basic('nobody', WWW_SECRET)]) {
      const res = await introspect(server, access, authorization);
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.json['error'], 'invalid_client');
      assert.equal(res.json['active'], undefined, 'nothing about the token');
    }
  });

  test('a live access token: active with scope, client_id, username, token_type, exp, iat, sub, aud, iss', async () => {
    const now = clock.nowSeconds();
    const { access_token: access } = await tokensFor(server, agent, WWW, { scope: 'openid profile' });
    const res = await introspect(server, access, WWW_AUTH);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = res.json;
    assert.equal(body['active'], true);
    assert.equal(body['scope'], 'openid profile');
    assert.equal(body['client_id'], 'www');
    assert.equal(body['username'], 'tom');
    assert.match(body['token_type'] as string, /^bearer$/i);
    assert.equal(body['iat'], now);
    assert.equal(body['exp'], now + 300);
    assert.equal(body['sub'], 'tom');
    assert.ok(body['aud'] === 'www' || (Array.isArray(body['aud']) && body['aud'].includes('www')));
    assert.equal(body['iss'], server.issuer);
  });

  test('a live refresh token is active, with its own token_type', async () => {
    const { refresh_token: refresh } = await tokensFor(server, agent, WWW, { scope: 'openid' });
    const res = await introspect(server, refresh!, WWW_AUTH);
    assert.equal(res.json['active'], true);
    assert.equal(res.json['token_type'], 'refresh_token');
    assert.equal(res.json['client_id'], 'www');
    assert.equal(res.json['sub'], 'tom');
  });

  test('an unknown token is active:false and nothing else', async () => {
    const res = await introspect(server, 'no-such-token', WWW_AUTH);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { active: false });
  });

  test('an expired access token is active:false', async () => {
    const { access_token: access } = await tokensFor(server, agent, WWW);
    clock.advance(299);
    assert.ok(await isActive(server, access, WWW_AUTH));
    clock.advance(2);
    assert.deepEqual((await introspect(server, access, WWW_AUTH)).json, { active: false });
  });

  test('a revoked access token is active:false', async () => {
    const { access_token: access } = await tokensFor(server, agent, WWW);
    assert.equal((await revoke(server, access, WWW_AUTH)).status, 200);
    assert.deepEqual((await introspect(server, access, WWW_AUTH)).json, { active: false });
  });

  test('a token of a disabled account is active:false', async () => {
    const user = await signUp(server, 'disabled-later');
    const { access_token: access } = await tokensFor(server, user, WWW);
    await server.tessera.store.accounts.setDisabled('disabled-later', true);
    assert.deepEqual((await introspect(server, access, WWW_AUTH)).json, { active: false });
  });

  test('without the token parameter the request is invalid_request', async () => {
    const res = await fetch(`${server.url}/oauth/v2/oauth-introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: WWW_AUTH },
      body: '',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Record<string, unknown>)['error'], 'invalid_request');
  });
});

describe('revocation (RFC 7009)', () => {
  test('an unknown token gets 200', async () => {
    const res = await revoke(server, 'no-such-token', WWW_AUTH);
    assert.equal(res.status, 200);
  });

  test('requires client authentication (401 invalid_client)', async () => {
    const { access_token: access } = await tokensFor(server, agent, WWW);
    const res = await revoke(server, access, undefined);
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
    assert.ok(await isActive(server, access, WWW_AUTH));
  });

  test('revoking an access token: it is refused at userinfo, the refresh token stays usable', async () => {
    const tokens = await tokensFor(server, agent, WWW, { scope: 'openid' });
    assert.equal((await revoke(server, tokens.access_token, WWW_AUTH)).status, 200);
    const userinfo = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);
    assert.ok(await isActive(server, tokens.refresh_token!, WWW_AUTH));
  });

  test('revoking a refresh token revokes its access tokens, including refreshed ones', async () => {
    const tokens = await tokensFor(server, agent, WWW);
    const refreshed = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      WWW_AUTH,
    );
    const res = await revoke(server, tokens.refresh_token!, WWW_AUTH);
    assert.equal(res.status, 200);
    assert.equal(await isActive(server, tokens.refresh_token!, WWW_AUTH), false);
    assert.equal(await isActive(server, tokens.access_token, WWW_AUTH), false);
    assert.equal(await isActive(server, refreshed.json['access_token'] as string, WWW_AUTH), false);
    const again = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      WWW_AUTH,
    );
    assert.equal(again.json['error'], 'invalid_grant');
  });

  test('a wrong token_type_hint does not stop the revocation', async () => {
    const tokens = await tokensFor(server, agent, WWW);
    const res = await fetch(`${server.url}/oauth/v2/oauth-revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: WWW_AUTH },
      body: new URLSearchParams({ token: tokens.refresh_token!, token_type_hint: 'access_token' }),
    });
    assert.equal(res.status, 200);
    assert.equal(await isActive(server, tokens.refresh_token!, WWW_AUTH), false);
  });

  test('a client cannot revoke another client’s token: 200, but the token stays active', async () => {
    const tokens = await tokensFor(server, agent, WWW);
    for (const value of [tokens.access_token, tokens.refresh_token!]) {
      const res = await revoke(server, value, OTHER_AUTH);
      assert.equal(res.status, 200);
      assert.ok(await isActive(server, value, WWW_AUTH), 'still active');
    }
  });

  test('revoking one grant leaves the user’s other grants alone', async () => {
    const one = await tokensFor(server, agent, WWW);
    const two = await tokensFor(server, agent, WWW);
    await revoke(server, one.refresh_token!, WWW_AUTH);
    assert.ok(await isActive(server, two.access_token, WWW_AUTH));
    assert.ok(await isActive(server, two.refresh_token!, WWW_AUTH));
  });
});

test('a token issued to one client is refused for refresh by another', async () => {
  const tokens = await tokensFor(server, agent, OTHER);
  const res = await token(
    server,
    { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
    WWW_AUTH,
  );
  assert.equal(res.json['error'], 'invalid_grant');
});
