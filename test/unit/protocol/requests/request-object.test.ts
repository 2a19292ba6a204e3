// Request objects (RFC 9101): signed by the client's key, addressed to this issuer, their claims the only parameters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EncryptJWT } from 'jose';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import { verifyRequestObject } from '../../../../src/protocol/requests/request-object.ts';
import { harness, ISSUER, NOW } from '../../helpers.ts';
import { HMAC_SECRET, INNER, jarSnapshot, requestObject, strangerKey, unsigned } from './fixtures.ts';

const h = harness(jarSnapshot());
const client = (id: string) => h.deps.config().clients.get(id)!;
const verify = (jwt: string, id = 'signer') => verifyRequestObject(jwt, client(id), h.deps);

async function refused(jwt: string | Promise<string>, pattern: RegExp, id = 'signer'): Promise<void> {
  const result = await verify(await jwt, id);
  assert.ok(result instanceof OAuthError, `expected a refusal, got ${JSON.stringify(result)}`);
  assert.equal(result.code, 'invalid_request_object');
  assert.match(result.description, pattern);
}

describe('request objects: what is accepted', () => {
  test('a request object signed with a registered key yields its own parameters and the client_id', async () => {
    const params = (await verify(await requestObject('signer', INNER))) as RawParams;
    assert.deepEqual(params, { ...INNER, client_id: 'signer' });
  });

  test('OIDC Core §6.1 value types: max_age as a number, claims as an object, resource as an array', async () => {
    const claims = { id_token: { email: null } };
    const params = (await verify(
      await requestObject('signer', { ...INNER, max_age: 300, claims, resource: ['https://a.example'] }),
    )) as RawParams;
    assert.equal(params['max_age'], '300');
    assert.equal(params['claims'], JSON.stringify(claims));
    assert.deepEqual(params['resource'], ['https://a.example']);
  });

  test('claims that are not authorization parameters (jti, iat, unknown ones) are not returned', async () => {
    const params = (await verify(
      await requestObject('signer', { ...INNER, jti: 'j1', extra: 'x' }),
    )) as RawParams;
    assert.equal(params['jti'], undefined);
    assert.equal(params['extra'], undefined);
    assert.equal(params['iss'], undefined);
  });

  test('a client_secret_jwt client may sign with HS256 over its secret', async () => {
    const key = new TextEncoder().encode(HMAC_SECRET);
    const params = await verify(await requestObject('hmac', INNER, { alg: 'HS256', key }), 'hmac');
    assert.ok(!(params instanceof OAuthError), String(params));
  });

  test('a typ of JWT (what OIDC Core clients send) is accepted as well', async () => {
    assert.ok(!((await verify(await requestObject('signer', INNER, { typ: 'JWT' }))) instanceof OAuthError));
  });
});

describe('request objects: what is refused (invalid_request_object)', () => {
  test('alg none is refused (RFC 9101 §10.2)', async () => {
    await refused(unsigned({ iss: 'signer', aud: ISSUER, ...INNER }), /alg none/);
  });

  test('a signature by a key the client did not register is refused', async () => {
    await refused(requestObject('signer', INNER, { key: strangerKey.privateKey }), /signature/);
  });

  test('aud other than this issuer is refused', async () => {
    await refused(requestObject('signer', { ...INNER, aud: 'https://elsewhere.example' }), /aud/);
  });

  test('iss other than the client is refused', async () => {
    await refused(requestObject('signer', { ...INNER, iss: 'web' }), /iss/);
  });

  test('a client_id inside that differs from the client it is verified for is refused (RFC 9101 §5)', async () => {
    await refused(requestObject('signer', { ...INNER, client_id: 'web' }), /client_id/);
  });

  test('an expired request object is refused', async () => {
    await refused(requestObject('signer', { ...INNER, exp: NOW - 60 }), /expired/);
  });

  test('an encrypted request object (JWE) is refused with a description that says so', async () => {
    const jwe = await new EncryptJWT({ ...INNER })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(new Uint8Array(32));
    await refused(jwe, /encrypted request objects are not supported/);
  });

  test('garbage is refused, never thrown', async () => {
    for (const jwt of [
      'x',
      'a.b.c',
      'a.b',
      '....',
      `${'e'.repeat(40_000)}.a.b`,
      'eyJhbGciOiJFUzI1NiJ9.%%%.x',
    ])
      await refused(jwt, /JWT|too large/);
  });

  test('an alg other than the one the client registered (request_object_signing_alg) is refused', async () => {
    await refused(requestObject('pinned', INNER), /signs request objects with RS256/, 'pinned');
    assert.ok(
      !(
        (await verify(await requestObject('pinned', INNER, { alg: 'RS256' }), 'pinned')) instanceof OAuthError
      ),
    );
  });

  test('HS256 from a client whose secret is only hashed is refused', async () => {
    const key = new TextEncoder().encode('whatever');
    await refused(requestObject('web', INNER, { alg: 'HS256', key }), /client_secret_jwt/, 'web');
  });

  test('a typ of another kind of JWT (dpop+jwt) is refused', async () => {
    await refused(requestObject('signer', INNER, { typ: 'dpop+jwt' }), /typ/);
  });

  test('a request object naming another request (request, request_uri) is refused (RFC 9101 §4)', async () => {
    await refused(requestObject('signer', { ...INNER, request_uri: 'urn:x' }), /must not contain/);
  });

  test('a parameter of the wrong JSON type is refused', async () => {
    await refused(requestObject('signer', { ...INNER, scope: ['openid'] }), /scope must be a string/);
  });
});

describe('request objects: FAPI 2.0 clients', () => {
  test('RS256 is refused (FAPI 2.0 §5.4.1: PS256, ES256, EdDSA)', async () => {
    await refused(requestObject('fapi', INNER, { alg: 'RS256' }), /FAPI 2.0/, 'fapi');
  });

  test('exp and nbf are required, and exp at most 60 minutes after nbf', async () => {
    await refused(requestObject('fapi', { ...INNER, exp: undefined }), /exp/, 'fapi');
    await refused(requestObject('fapi', { ...INNER, exp: NOW + 3601 }), /60 minutes/, 'fapi');
    assert.ok(!((await verify(await requestObject('fapi', INNER), 'fapi')) instanceof OAuthError));
  });
});
