// DPoP at UserInfo (RFC 9449 §7): the DPoP scheme with a proof of the bound key; no downgrade to Bearer, no upgrade.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wireError } from '../../../../src/http/errors.ts';
import { tokenEndpoint } from '../../../../src/protocol/endpoints/token.ts';
import { type UserinfoRequest, userinfoEndpoint } from '../../../../src/protocol/endpoints/userinfo.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import {
  authorizeParams,
  basic,
  form,
  type Harness,
  harness,
  issueCode,
  ok,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';
import { type DpopKey, dpopKey, proof } from './proofs.ts';

const TOKEN_URL = 'https://issuer.example/oauth/v2/oauth-token';
const USERINFO_URL = 'https://issuer.example/oauth/v2/oauth-userinfo';
const key = await dpopKey();
const otherKey = await dpopKey();

/** An access token for alice with scope openid, DPoP-bound to `k` when given. */
async function accessToken(h: Harness, k?: DpopKey): Promise<string> {
  const code = await issueCode(h, authorizeParams({ scope: 'openid' }));
  const body = { grant_type: 'authorization_code', code, redirect_uri: WEB_CB };
  const dpop = k ? await proof(k, { htu: TOKEN_URL, iat: h.clock.nowSeconds() }) : undefined;
  return ok(await tokenEndpoint({ ...form(body, basic('web', WEB_SECRET)), dpop }, h.deps)).access_token;
}

async function dpopRequest(h: Harness, token: string, k: DpopKey = key): Promise<UserinfoRequest> {
  const header = await proof(k, {
    htm: 'GET',
    htu: USERINFO_URL,
    iat: h.clock.nowSeconds(),
    accessToken: token,
  });
  return { authorization: `DPoP ${token}`, bodyToken: undefined, dpop: { header, method: 'GET' } };
}

function refused(result: unknown, code: string, reason: RegExp): OAuthError {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
  assert.match(result.description, reason);
  return result;
}

describe('UserInfo with DPoP-bound tokens', () => {
  test('Authorization: DPoP with a proof of the bound key (ath checked) returns the claims', async () => {
    const h = harness();
    const token = await accessToken(h, key);
    const result = await userinfoEndpoint(await dpopRequest(h, token), h.deps);
    assert.ok(!(result instanceof OAuthError) && 'claims' in result);
    assert.equal(result.claims['sub'], 'alice');
  });

  test('§7.2: a DPoP-bound token presented as Bearer is invalid_token', async () => {
    const h = harness();
    const token = await accessToken(h, key);
    const error = refused(
      await userinfoEndpoint({ authorization: `Bearer ${token}`, bodyToken: undefined }, h.deps),
      'invalid_token',
      /DPoP-bound/,
    );
    const wire = wireError(error);
    assert.equal(wire.status, 401);
    assert.match(
      wire.headers['www-authenticate'] ?? '',
      /^Bearer realm="tessera", error="invalid_token", .*, DPoP realm="tessera", algs="[A-Z0-9 a-z]+"$/,
    );
    refused(
      await userinfoEndpoint({ authorization: undefined, bodyToken: token }, h.deps),
      'invalid_token',
      /DPoP-bound/,
    );
  });

  test('a bearer token presented with the DPoP scheme is invalid_token, with a DPoP challenge', async () => {
    const h = harness();
    const token = await accessToken(h);
    const error = refused(
      await userinfoEndpoint(await dpopRequest(h, token), h.deps),
      'invalid_token',
      /not DPoP-bound/,
    );
    assert.match(
      wireError(error).headers['www-authenticate'] ?? '',
      /^DPoP realm="tessera", error="invalid_token", .*algs=".*", Bearer realm="tessera"$/,
    );
  });

  test('a proof made with another key than the binding is invalid_token', async () => {
    const h = harness();
    const token = await accessToken(h, key);
    refused(
      await userinfoEndpoint(await dpopRequest(h, token, otherKey), h.deps),
      'invalid_token',
      /not the key/,
    );
  });

  test('the DPoP scheme without a DPoP header is a 401 invalid_dpop_proof', async () => {
    const h = harness();
    const token = await accessToken(h, key);
    const error = refused(
      await userinfoEndpoint({ authorization: `DPoP ${token}`, bodyToken: undefined }, h.deps),
      'invalid_dpop_proof',
      /needs a DPoP proof/,
    );
    assert.equal(wireError(error).status, 401);
  });

  test('a proof whose ath is for another token is a 401 invalid_dpop_proof with a DPoP challenge (§7.1)', async () => {
    const h = harness();
    const token = await accessToken(h, key);
    const request = await dpopRequest(h, 'another-token');
    const error = refused(
      await userinfoEndpoint({ ...request, authorization: `DPoP ${token}` }, h.deps),
      'invalid_dpop_proof',
      /ath/,
    );
    const wire = wireError(error);
    assert.equal(wire.status, 401);
    assert.match(wire.headers['www-authenticate'] ?? '', /^DPoP realm="tessera", error="invalid_dpop_proof"/);
  });

  test('a proof for POST is refused on a GET (htm)', async () => {
    const h = harness();
    const token = await accessToken(h, key);
    const request = await dpopRequest(h, token);
    refused(
      await userinfoEndpoint({ ...request, dpop: { header: request.dpop!.header, method: 'POST' } }, h.deps),
      'invalid_dpop_proof',
      /htm/,
    );
  });
});
