// The token response (RFC 6749 §5.1) and the ID token in it (OIDC Core §2, §3.1.3.3, §3.1.3.6).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { sha256 } from '../../../../src/shared/crypto.ts';
import {
  ACR,
  basic,
  exchange,
  type Harness,
  harness,
  ISSUER,
  issueCode,
  login,
  NO_REFRESH_SECRET,
  NOW,
  ok,
  PUBLIC_KEY,
} from '../../helpers.ts';

/** Exchanges a code for web (or another client) without redirect_uri in either request. */
async function tokensFor(h: Harness, params: Record<string, string>, authorization?: string) {
  const code = await issueCode(h, { client_id: 'web', redirect_uri: 'https://app.example/cb', ...params });
  return ok(await exchange(h, code, { redirect_uri: 'https://app.example/cb' }, authorization));
}

/** OIDC Core §3.1.3.6, computed independently of the server's helper. */
const expectedAtHash = (accessToken: string) =>
  createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

describe('token response shape', () => {
  test('token_type is bearer and expires_in is the client access token lifetime', async () => {
    const h = harness();
    const response = await tokensFor(h, { scope: 'openid' });
    assert.equal(response.token_type, 'bearer');
    assert.equal(response.expires_in, 600);
  });

  test('scope is the granted scope, space-separated in request order', async () => {
    const h = harness();
    assert.equal((await tokensFor(h, { scope: 'email openid' })).scope, 'email openid');
  });

  test('scope is the empty string when none was requested, and there is no ID token', async () => {
    const h = harness();
    const response = await tokensFor(h, {});
    assert.equal(response.scope, '');
    assert.equal(response.id_token, undefined);
  });

  test('the response has only the RFC 6749 §5.1 members plus id_token', async () => {
    const h = harness();
    const response = await tokensFor(h, { scope: 'openid' });
    assert.deepEqual(Object.keys(response).sort(), [
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'scope',
      'token_type',
    ]);
  });

  test('a refresh_token is issued when the client has refresh tokens enabled', async () => {
    const h = harness();
    assert.match((await tokensFor(h, { scope: 'profile' })).refresh_token ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('no refresh_token is issued when the client has refresh tokens disabled', async () => {
    const h = harness();
    const code = await issueCode(h, {
      client_id: 'no-refresh',
      scope: 'openid',
      redirect_uri: 'https://app.example/cb',
    });
    const response = ok(
      await exchange(
        h,
        code,
        { redirect_uri: 'https://app.example/cb' },
        basic('no-refresh', NO_REFRESH_SECRET),
      ),
    );
    assert.equal(response.refresh_token, undefined);
  });

  test('no id_token is issued without the openid scope', async () => {
    const h = harness();
    assert.equal((await tokensFor(h, { scope: 'profile email' })).id_token, undefined);
  });

  test('tokens are stored only as hashes, with their kinds and lifetimes', async () => {
    const h = harness();
    const response = await tokensFor(h, { scope: 'openid' });
    const access = await h.store.grants.findToken(sha256(response.access_token));
    const refresh = await h.store.grants.findToken(sha256(response.refresh_token!));
    assert.equal(await h.store.grants.findToken(response.access_token), undefined);
    assert.equal(access?.kind, 'access_token');
    assert.equal(access?.expiresAt, NOW + 600);
    assert.equal(refresh?.kind, 'refresh_token');
    assert.equal(refresh?.expiresAt, NOW + 7200);
    assert.equal(access?.grantId, refresh?.grantId);
  });
});

describe('ID token claims', () => {
  test('the ID token verifies with the signing key and names the issuer and the client as audience', async () => {
    const h = harness();
    const response = await tokensFor(h, { scope: 'openid' });
    const { payload } = await jwtVerify(response.id_token!, PUBLIC_KEY, {
      issuer: ISSUER,
      audience: 'web',
      algorithms: ['RS256'],
      currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.sub, 'alice');
    assert.equal(decodeProtectedHeader(response.id_token!).alg, 'RS256');
  });

  test('the ID token carries iss sub aud azp exp iat nbf jti auth_time acr amr at_hash purpose nonce with their values', async () => {
    const h = harness();
    const session = await login(h);
    h.clock.advance(40);
    const code = await issueCode(
      h,
      { client_id: 'web', scope: 'openid', nonce: 'n-0S6_WzA2Mj', redirect_uri: 'https://app.example/cb' },
      session,
    );
    h.clock.advance(5);
    const response = ok(await exchange(h, code, { redirect_uri: 'https://app.example/cb' }));
    const { payload } = await jwtVerify(response.id_token!, PUBLIC_KEY, {
      currentDate: new Date((NOW + 45) * 1000),
    });
    const { jti, ...rest } = payload;
    assert.match(String(jti), /^[0-9a-f-]{36}$/);
    assert.deepEqual(rest, {
      iss: ISSUER,
      sub: 'alice',
      aud: 'web',
      azp: 'web',
      exp: NOW + 45 + 900,
      iat: NOW + 45,
      nbf: NOW + 45,
      auth_time: NOW,
      acr: ACR,
      // RFC 8176 §2: the password the session was made with.
      amr: ['pwd'],
      at_hash: expectedAtHash(response.access_token),
      purpose: 'id',
      nonce: 'n-0S6_WzA2Mj',
    });
  });

  test('the ID token has no nonce when the authorization request had none', async () => {
    const h = harness();
    const response = await tokensFor(h, { scope: 'openid' });
    const { payload } = await jwtVerify(response.id_token!, PUBLIC_KEY, {
      currentDate: new Date(NOW * 1000),
    });
    assert.equal('nonce' in payload, false);
  });

  test('every ID token has its own jti', async () => {
    const h = harness();
    const first = await tokensFor(h, { scope: 'openid' });
    const second = await tokensFor(h, { scope: 'openid' });
    const jti = async (idToken: string) =>
      (await jwtVerify(idToken, PUBLIC_KEY, { currentDate: new Date(NOW * 1000) })).payload.jti;
    assert.notEqual(await jti(first.id_token!), await jti(second.id_token!));
  });
});
