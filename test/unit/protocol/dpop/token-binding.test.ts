// DPoP at the token endpoint (RFC 9449 §5, §10): which tokens are bound, and which requests a binding refuses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import { introspectEndpoint } from '../../../../src/protocol/endpoints/introspect.ts';
import { tokenEndpoint } from '../../../../src/protocol/endpoints/token.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import type { TokenResponse } from '../../../../src/protocol/tokens/response.ts';
import {
  authorizeParams,
  basic,
  form,
  type Harness,
  harness,
  issueCode,
  ok,
  pkcePair,
  testSnapshot,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';
import { type DpopKey, dpopKey, proof } from './proofs.ts';

const TOKEN_URL = 'https://issuer.example/oauth/v2/oauth-token';
const WEB = basic('web', WEB_SECRET);
const key = await dpopKey();
const otherKey = await dpopKey();
const pkce = pkcePair();

function snapshot(): SnapshotInput {
  const base = testSnapshot();
  return {
    ...base,
    clients: [
      ...(base.clients ?? []),
      {
        client_id: 'spa',
        token_endpoint_auth_method: 'none',
        redirect_uris: [WEB_CB],
        scopes: ['openid', 'profile'],
        refresh_token: { enabled: true, rotation: true },
      },
      {
        client_id: 'bound',
        redirect_uris: [WEB_CB],
        secret: WEB_SECRET,
        scopes: ['openid', 'profile'],
        dpop_bound_access_tokens: true,
      },
    ],
  };
}

async function tokens(h: Harness, body: RawParams, auth: string | undefined, k?: DpopKey) {
  const dpop = k ? await proof(k, { htu: TOKEN_URL, iat: h.clock.nowSeconds() }) : undefined;
  return tokenEndpoint({ ...form(body, auth), dpop }, h.deps);
}

function refused(result: TokenResponse | OAuthError, code: string, reason: RegExp): void {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
  assert.match(result.description, reason);
}

const codeFor = (h: Harness, clientId: string, extra: RawParams = {}) =>
  issueCode(
    h,
    authorizeParams({
      client_id: clientId,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...extra,
    }),
  );

const redeem = (h: Harness, code: string, auth: string | undefined, k?: DpopKey, clientId = 'web') =>
  tokens(
    h,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: WEB_CB,
      code_verifier: pkce.verifier,
      ...(auth === undefined ? { client_id: clientId } : {}),
    },
    auth,
    k,
  );

describe('token endpoint: DPoP-bound tokens (§5)', () => {
  test('with a proof: token_type DPoP, and introspection shows cnf.jkt (§6.2)', async () => {
    const h = harness(snapshot());
    const response = ok(await redeem(h, await codeFor(h, 'web'), WEB, key));
    assert.equal(response.token_type, 'DPoP');
    const info = await introspectEndpoint(form({ token: response.access_token }, WEB), h.deps);
    assert.ok(!(info instanceof OAuthError));
    assert.equal(info['token_type'], 'DPoP');
    assert.deepEqual(info['cnf'], { jkt: key.jkt });
  });

  test('without a proof: a bearer token, no cnf', async () => {
    const h = harness(snapshot());
    const response = ok(await redeem(h, await codeFor(h, 'web'), WEB));
    assert.equal(response.token_type, 'bearer');
    const info = await introspectEndpoint(form({ token: response.access_token }, WEB), h.deps);
    assert.ok(!(info instanceof OAuthError));
    assert.equal(info['token_type'], 'Bearer');
    assert.equal(info['cnf'], undefined);
  });

  test('an invalid proof is refused before the grant: the code stays redeemable', async () => {
    const h = harness(snapshot());
    const code = await codeFor(h, 'web');
    const bad = await tokenEndpoint(
      {
        ...form(
          { grant_type: 'authorization_code', code, redirect_uri: WEB_CB, code_verifier: pkce.verifier },
          WEB,
        ),
        dpop: await proof(key, { htu: TOKEN_URL, htm: 'GET', iat: h.clock.nowSeconds() }),
      },
      h.deps,
    );
    refused(bad, 'invalid_dpop_proof', /htm/);
    assert.equal(ok(await redeem(h, code, WEB, key)).token_type, 'DPoP');
  });

  test('§5.2: a client registered with dpop_bound_access_tokens is refused without a proof', async () => {
    const h = harness(snapshot());
    const code = await codeFor(h, 'bound');
    refused(await redeem(h, code, basic('bound', WEB_SECRET)), 'invalid_request', /DPoP proof required/);
    assert.equal(ok(await redeem(h, code, basic('bound', WEB_SECRET), key)).token_type, 'DPoP');
  });
});

describe('dpop_jkt: a code bound to a key (§10)', () => {
  test('redeemed with a proof of another key, or with none: invalid_grant', async () => {
    const h = harness(snapshot());
    const code = await codeFor(h, 'web', { dpop_jkt: key.jkt });
    refused(await redeem(h, code, WEB, otherKey), 'invalid_grant', /does not match the dpop_jkt/);
    refused(await redeem(h, code, WEB), 'invalid_grant', /bound to a DPoP key/);
  });

  test('redeemed with a proof of that key: DPoP tokens bound to it', async () => {
    const h = harness(snapshot());
    const code = await codeFor(h, 'web', { dpop_jkt: key.jkt });
    assert.equal(h.savedCodes.at(-1)?.jkt, key.jkt, 'the code record keeps the thumbprint');
    assert.equal(ok(await redeem(h, code, WEB, key)).token_type, 'DPoP');
  });
});

describe('refresh tokens and DPoP (§5)', () => {
  test('a public client’s refresh token is bound: another key or no proof is invalid_grant, its key works', async () => {
    const h = harness(snapshot());
    const first = ok(await redeem(h, await codeFor(h, 'spa'), undefined, key, 'spa'));
    const refresh = { grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: 'spa' };
    refused(await tokens(h, refresh, undefined, otherKey), 'invalid_grant', /does not match the key/);
    refused(await tokens(h, refresh, undefined), 'invalid_grant', /bound to a DPoP key/);
    const next = ok(await tokens(h, refresh, undefined, key));
    assert.equal(next.token_type, 'DPoP');
    // The rotated successor is bound to the same key.
    const successor = { ...refresh, refresh_token: next.refresh_token! };
    refused(await tokens(h, successor, undefined, otherKey), 'invalid_grant', /does not match the key/);
  });

  test('a confidential client’s refresh token is not bound; each new access token is bound to the proof sent', async () => {
    const h = harness(snapshot());
    const first = ok(await redeem(h, await codeFor(h, 'web'), WEB, key));
    const refresh = { grant_type: 'refresh_token', refresh_token: first.refresh_token! };
    const other = ok(await tokens(h, refresh, WEB, otherKey));
    assert.equal(other.token_type, 'DPoP');
    const info = await introspectEndpoint(form({ token: other.access_token }, WEB), h.deps);
    assert.ok(!(info instanceof OAuthError));
    assert.deepEqual(info['cnf'], { jkt: otherKey.jkt });
    const plain = ok(await tokens(h, refresh, WEB));
    assert.equal(plain.token_type, 'bearer', 'no proof, no binding');
  });
});
