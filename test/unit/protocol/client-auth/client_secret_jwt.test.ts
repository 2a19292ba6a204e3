// client_secret_jwt (RFC 7523 §2.2, OIDC Core §9): an HMAC keyed by the client secret, kept sealed, never a password.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authenticateClient } from '../../../../src/protocol/client-auth/index.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { basic, harness, NOW, WEB_SECRET } from '../../helpers.ts';
import {
  asParams,
  assertion,
  es256,
  HS_SECRET,
  jwtSnapshot,
  SEALED_SECRET,
  secretKey,
} from './jwt-clients.ts';

const h = harness(await jwtSnapshot());
const authenticate = (params: Record<string, string>, authorization?: string) =>
  authenticateClient({ authorization, params }, h.deps);

async function accepted(params: Record<string, string>, clientId: string) {
  const result = await authenticate(params);
  assert.ok(!(result instanceof OAuthError), result instanceof OAuthError ? result.description : '');
  assert.equal(result.client_id, clientId);
}

async function refused(params: Record<string, string>, says: RegExp, authorization?: string) {
  const result = await authenticate(params, authorization);
  assert.ok(result instanceof OAuthError, `expected invalid_client, got client ${JSON.stringify(result)}`);
  assert.equal(result.code, 'invalid_client');
  assert.match(result.description, says);
  assert.doesNotMatch(result.description, /\?/, 'written in the RFC 6749 §5.2 charset, nothing replaced');
}

describe('client_secret_jwt: accepted', () => {
  for (const alg of ['HS256', 'HS384']) {
    test(`${alg} keyed by a secret from the config file`, async () => {
      await accepted(asParams(await assertion('hs', secretKey(HS_SECRET), { alg })), 'hs');
    });
  }
  test('HS256 keyed by a secret stored sealed under the master key (secret_sealed)', async () => {
    await accepted(asParams(await assertion('sealed', secretKey(SEALED_SECRET))), 'sealed');
  });
});

describe('client_secret_jwt: refused', () => {
  test('HS512 keyed by a secret shorter than its 64-byte hash (RFC 7518 §3.2)', async () => {
    assert.ok(Buffer.byteLength(HS_SECRET) < 64);
    await refused(
      asParams(await assertion('hs', secretKey(HS_SECRET), { alg: 'HS512' })),
      /too short to key HS512/,
    );
  });
  test('an HMAC under another secret', async () => {
    await refused(asParams(await assertion('hs', secretKey(WEB_SECRET))), /signature does not verify/);
  });
  test('another client’s secret as the key', async () => {
    await refused(asParams(await assertion('hs', secretKey(SEALED_SECRET))), /signature does not verify/);
  });
  test('an unknown client reads as a wrong secret, so clients cannot be enumerated', async () => {
    const unknown = await authenticate(asParams(await assertion('nobody', secretKey(HS_SECRET))));
    const wrong = await authenticate(asParams(await assertion('hs', secretKey(WEB_SECRET))));
    assert.ok(unknown instanceof OAuthError && wrong instanceof OAuthError);
    assert.equal(unknown.code, 'invalid_client');
    assert.equal(unknown.description, wrong.description);
  });
  test('a signature by a private key (ES256) for a client_secret_jwt client', async () => {
    await refused(
      asParams(await assertion('hs', es256.privateKey)),
      /not registered for private_key_jwt \(it uses client_secret_jwt\)/,
    );
  });
  test('its secret by HTTP Basic: the HMAC key is not a password', async () => {
    await refused(
      {},
      /not registered for client_secret_basic \(it uses client_secret_jwt\)/,
      basic('hs', HS_SECRET),
    );
  });
  test('its secret in the body (client_secret_post)', async () => {
    await refused({ client_id: 'hs', client_secret: HS_SECRET }, /not registered for client_secret_post/);
  });
  test('an HMAC assertion from a client registered for Basic, keyed by its secret', async () => {
    await refused(
      asParams(await assertion('web', secretKey(WEB_SECRET))),
      /not registered for client_secret_jwt \(it uses client_secret_basic\)/,
    );
  });
  test('an HMAC assertion from a public client', async () => {
    await refused(
      asParams(await assertion('spa', secretKey(HS_SECRET))),
      /public client must not authenticate with client_secret_jwt/,
    );
  });
  test('a reused jti', async () => {
    const jwt = await assertion('hs', secretKey(HS_SECRET));
    await accepted(asParams(jwt), 'hs');
    await refused(asParams(jwt), /already used/);
  });
  test('exp too far ahead', async () => {
    const jwt = await assertion('hs', secretKey(HS_SECRET), { claims: { exp: NOW + 1000 } });
    await refused(asParams(jwt), /lives too long/);
  });
  test('an assertion together with the secret in the body', async () => {
    const params = asParams(await assertion('hs', secretKey(HS_SECRET)), { client_secret: HS_SECRET });
    await refused(params, /use one client authentication method/);
  });
});
