// Pushed authorization request endpoint (RFC 9126 §2): authenticated, validated as at authorize, answered in JSON.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { parEndpoint } from '../../../../src/protocol/endpoints/par.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import { REQUEST_URI_PREFIX, takePushedRequest } from '../../../../src/protocol/requests/pushed.ts';
import {
  authorizeParams,
  basic,
  form,
  harness,
  ISSUER,
  NOW,
  pkcePair,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';
import { INNER, jarSnapshot, requestObject, signerKey } from '../requests/fixtures.ts';

const WEB = basic('web', WEB_SECRET);
const PAR_URL = 'https://issuer.example/oauth/v2/oauth-par';

function par(h: ReturnType<typeof harness>, body: RawParams, authorization?: string, dpop?: string) {
  return parEndpoint({ ...form(body, authorization), dpop }, h.deps);
}

function refusal(result: unknown, code: string): OAuthError {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code, result.description);
  return result;
}

async function pushed(result: unknown, h: ReturnType<typeof harness>, clientId = 'web'): Promise<RawParams> {
  assert.ok(!(result instanceof OAuthError), String(result));
  const { request_uri } = result as { request_uri: string };
  const params = await takePushedRequest(request_uri, clientId, h.deps);
  assert.ok(!(params instanceof OAuthError), String(params));
  return params;
}

const dpopKey = await generateKeyPair('ES256', { extractable: true });
async function dpopProof(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: `j-${Math.random()}`, htm: 'POST', htu: PAR_URL, iat: NOW, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(dpopKey.publicKey) })
    .sign(dpopKey.privateKey);
}

describe('PAR: the response', () => {
  test('201-shaped answer: a URN request_uri and expires_in from the server setting; the params are stored', async () => {
    const h = harness();
    h.deps.server.parLifetime = 90;
    const result = await par(h, authorizeParams(), WEB);
    assert.ok(!(result instanceof OAuthError));
    assert.ok(result.request_uri.startsWith(REQUEST_URI_PREFIX));
    assert.equal(result.expires_in, 90);
    assert.deepEqual(await pushed(result, h), authorizeParams());
  });

  test('client_id may be left out when the client authenticates; the stored request names it', async () => {
    const h = harness();
    const { client_id: _, ...rest } = authorizeParams();
    assert.equal((await pushed(await par(h, rest, WEB), h))['client_id'], 'web');
  });

  test('client secrets are never stored with the request', async () => {
    const h = harness();
    const stored = await pushed(await par(h, { ...authorizeParams(), client_secret: WEB_SECRET }), h);
    assert.equal(stored['client_secret'], undefined);
  });
});

describe('PAR: client authentication (RFC 9126 §2.1)', () => {
  test('no client authentication is invalid_client', async () => {
    const h = harness();
    refusal(await par(h, authorizeParams()), 'invalid_client');
    refusal(await par(h, authorizeParams(), basic('web', 'wrong')), 'invalid_client');
  });

  test('a public client pushes with client_id alone', async () => {
    const h = harness(jarSnapshot());
    const { challenge } = pkcePair();
    const body = authorizeParams({
      client_id: 'spa',
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    assert.equal((await pushed(await par(h, body), h, 'spa'))['client_id'], 'spa');
  });

  test('a client_id other than the authenticated client is refused (client authentication sees it first)', async () => {
    const h = harness();
    refusal(await par(h, authorizeParams({ client_id: 'other' }), WEB), 'invalid_client');
  });
});

describe('PAR: what is refused, as JSON (RFC 9126 §2.3)', () => {
  test('request_uri in the body is invalid_request', async () => {
    const h = harness();
    refusal(
      await par(h, authorizeParams({ request_uri: `${REQUEST_URI_PREFIX}abc` }), WEB),
      'invalid_request',
    );
  });

  test('the authorization pipeline runs before anything is stored: an unregistered redirect_uri, a bad scope', async () => {
    const h = harness();
    refusal(
      await par(h, authorizeParams({ redirect_uri: 'https://evil.example/cb' }), WEB),
      'invalid_request',
    );
    refusal(await par(h, authorizeParams({ scope: 'openid admin' }), WEB), 'invalid_scope');
    refusal(await par(h, authorizeParams({ response_type: 'token' }), WEB), 'unsupported_response_type');
  });

  test('a body that is not a form is invalid_request', async () => {
    const h = harness();
    refusal(
      await parEndpoint({ contentType: 'application/json', body: {}, authorization: WEB }, h.deps),
      'invalid_request',
    );
  });
});

describe('PAR: request objects inside (RFC 9126 §3)', () => {
  test('a signed request object replaces the body parameters; the client authenticates with private_key_jwt', async () => {
    const h = harness(jarSnapshot());
    const body = {
      request: await requestObject('signer', INNER),
      state: 'outer',
      ...(await assertion('signer')),
    };
    const stored = await pushed(await par(h, body), h, 'signer');
    assert.deepEqual(stored, { ...INNER, client_id: 'signer' });
  });

  test('a request object that does not verify is invalid_request_object, answered in JSON', async () => {
    const h = harness(jarSnapshot());
    const jwt = await requestObject('signer', { ...INNER, aud: 'https://elsewhere.example' });
    refusal(await par(h, { request: jwt, ...(await assertion('signer')) }), 'invalid_request_object');
  });

  test("a request object verified for the authenticated client: another client's iss is refused", async () => {
    const h = harness(jarSnapshot());
    const jwt = await requestObject('pinned', INNER, { alg: 'RS256' });
    refusal(await par(h, { request: jwt, ...(await assertion('signer')) }), 'invalid_request_object');
  });
});

/** RFC 7523 §2.2 client authentication with the signer key the fixtures register. */
async function assertion(clientId: string): Promise<RawParams> {
  const jwt = await new SignJWT({ jti: `a-${Math.random()}` })
    .setProtectedHeader({ alg: 'ES256', kid: 'signer-1' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(ISSUER)
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 60)
    .sign(signerKey.privateKey);
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: jwt,
  };
}

describe('PAR: DPoP binds the code (RFC 9449 §10.1)', () => {
  test("a DPoP proof's key thumbprint is stored as dpop_jkt", async () => {
    const h = harness();
    const stored = await pushed(await par(h, authorizeParams(), WEB, await dpopProof()), h);
    assert.equal(stored['dpop_jkt'], await calculateJwkThumbprint(await exportJWK(dpopKey.publicKey)));
  });

  test('dpop_jkt that names another key than the proof is invalid_request; the same key is accepted', async () => {
    const h = harness();
    const jkt = await calculateJwkThumbprint(await exportJWK(dpopKey.publicKey));
    refusal(
      await par(h, authorizeParams({ dpop_jkt: 'x'.repeat(43) }), WEB, await dpopProof()),
      'invalid_request',
    );
    assert.equal(
      (await pushed(await par(h, authorizeParams({ dpop_jkt: jkt }), WEB, await dpopProof()), h))['dpop_jkt'],
      jkt,
    );
  });

  test('a bad proof (wrong htu) is invalid_dpop_proof', async () => {
    const h = harness();
    refusal(await par(h, authorizeParams(), WEB, await dpopProof({ htu: WEB_CB })), 'invalid_dpop_proof');
  });
});
