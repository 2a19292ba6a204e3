// DPoP proofs (RFC 9449 §4.3): each rule a proof must pass, refused with its reason, with real keys from jose.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type JWTHeaderParameters, SignJWT } from 'jose';
import { checkDpopProof, DPOP_IAT_FUTURE, DPOP_IAT_PAST } from '../../../../src/protocol/dpop/proof.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { harness, NOW } from '../../helpers.ts';
import { type DpopKey, dpopKey, type ProofOptions, proof, unsignedProof } from './proofs.ts';

const TOKEN_URL = 'https://issuer.example/oauth/v2/oauth-token';
const USERINFO_URL = 'https://issuer.example/oauth/v2/oauth-userinfo';
const key = await dpopKey('ES256');

async function check(
  header: string | string[] | undefined,
  extra: { method?: string; accessToken?: string; url?: string } = {},
  h = harness(),
) {
  return checkDpopProof(
    {
      header,
      method: extra.method ?? 'POST',
      url: extra.url ?? h.deps.endpoints.token,
      ...(extra.accessToken === undefined ? {} : { accessToken: extra.accessToken }),
    },
    h.deps,
  );
}

const make = (options: Partial<ProofOptions> = {}, k: DpopKey = key) =>
  proof(k, { htu: TOKEN_URL, iat: NOW, ...options });

async function refused(header: string | string[], reason: RegExp, extra: Parameters<typeof check>[1] = {}) {
  const result = await check(header, extra);
  assert.ok(result instanceof OAuthError, `expected a refusal, got ${JSON.stringify(result)}`);
  assert.equal(result.code, 'invalid_dpop_proof');
  assert.match(result.description, reason);
  return result;
}

describe('DPoP proof: accepted', () => {
  test('no DPoP header is no proof: undefined, not an error', async () => {
    assert.equal(await check(undefined), undefined);
  });

  for (const alg of ['ES256', 'PS256', 'RS256', 'EdDSA']) {
    test(`a valid ${alg} proof yields the RFC 7638 thumbprint of its jwk`, async () => {
      const k = await dpopKey(alg);
      assert.deepEqual(await check(await make({}, k)), { jkt: k.jkt });
    });
  }

  test('§4.3: htu is compared after normalisation (scheme and host case, default port)', async () => {
    const result = await check(await make({ htu: 'HTTPS://Issuer.EXAMPLE:443/oauth/v2/oauth-token' }));
    assert.deepEqual(result, { jkt: key.jkt });
  });

  test(`iat ${DPOP_IAT_PAST} s back and ${DPOP_IAT_FUTURE} s ahead are still inside the window`, async () => {
    assert.deepEqual(await check(await make({ iat: NOW - DPOP_IAT_PAST })), { jkt: key.jkt });
    assert.deepEqual(await check(await make({ iat: NOW + DPOP_IAT_FUTURE })), { jkt: key.jkt });
  });

  test('§4.3 (12): at a resource, ath is the SHA-256 of the access token presented', async () => {
    const result = await check(await make({ htm: 'GET', htu: USERINFO_URL, accessToken: 'at-1' }), {
      method: 'GET',
      url: USERINFO_URL,
      accessToken: 'at-1',
    });
    assert.deepEqual(result, { jkt: key.jkt });
  });
});

describe('DPoP proof: refused, each with its reason', () => {
  test('§4.3 (1): two DPoP headers, as an array or joined by Node', async () => {
    const one = await make();
    const two = await make();
    await refused([one, two], /exactly one DPoP header/);
    await refused(`${one}, ${two}`, /exactly one DPoP header/);
  });

  test('§4.3 (2): a value that is not a JWT', async () => {
    await refused('not-a-jwt', /not a proof JWT/);
    await refused('', /not a proof JWT/);
  });

  test('§4.3 (4): typ other than dpop+jwt', async () => {
    await refused(await make({ header: { typ: 'JWT' } }), /typ must be dpop\+jwt/);
  });

  test('§4.3 (5): alg none', async () => {
    await refused(
      unsignedProof(key, { jti: 'j', htm: 'POST', htu: TOKEN_URL, iat: NOW }),
      /alg must be one of/,
    );
  });

  test('§4.3 (5): HS256, a symmetric algorithm', async () => {
    const secret = new Uint8Array(32).fill(7);
    const hs = await new SignJWT({ jti: 'j', htm: 'POST', htu: TOKEN_URL, iat: NOW })
      .setProtectedHeader({
        alg: 'HS256',
        typ: 'dpop+jwt',
        jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') },
      } as unknown as JWTHeaderParameters)
      .sign(secret);
    await refused(hs, /alg must be one of/);
  });

  test('§4.3 (7): a jwk that carries the private key', async () => {
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(key.privateKey);
    await refused(await make({ header: { jwk: privateJwk } }), /must be a public key/);
  });

  test('§4.3 (2): no jwk in the header', async () => {
    await refused(await make({ header: { jwk: undefined } }), /carry the public key as jwk/);
  });

  test('§4.3 (6): a signature made with another key than the jwk', async () => {
    const other = await dpopKey('ES256');
    await refused(await make({ header: { jwk: other.publicJwk } }), /signature does not verify/);
  });

  test('§4.3 (8): htm other than the request method', async () => {
    await refused(await make({ htm: 'GET' }), /htm must be POST/);
  });

  test('§4.3 (9): htu of another endpoint', async () => {
    await refused(
      await make({ htu: USERINFO_URL }),
      /htu must be https:\/\/issuer\.example\/oauth\/v2\/oauth-token/,
    );
  });

  test('§4.3 (9): htu of another host, as a proxy-supplied Host header would make it', async () => {
    await refused(await make({ htu: 'https://evil.example/oauth/v2/oauth-token' }), /htu must be/);
  });

  test('§4.2: htu with a query or a fragment', async () => {
    await refused(await make({ htu: `${TOKEN_URL}?a=b` }), /must not have a query or fragment/);
    await refused(await make({ htu: `${TOKEN_URL}#f` }), /must not have a query or fragment/);
  });

  test('§4.3 (3): claims missing', async () => {
    await refused(await make({ claims: { jti: undefined } }), /needs a jti/);
    await refused(await make({ claims: { htu: undefined } }), /needs an htu/);
    await refused(await make({ claims: { iat: undefined } }), /needs an integer iat/);
  });

  test(`§4.3 (11): iat more than ${DPOP_IAT_PAST} s old`, async () => {
    await refused(await make({ iat: NOW - DPOP_IAT_PAST - 1 }), /older than 60 seconds/);
  });

  test(`§4.3 (11): iat more than ${DPOP_IAT_FUTURE} s in the future`, async () => {
    await refused(await make({ iat: NOW + DPOP_IAT_FUTURE + 1 }), /iat is in the future/);
  });

  test('§11.1: a jti used once is refused the second time, on the same store every node shares', async () => {
    const h = harness();
    const jwt = await make({ jti: 'once' });
    assert.deepEqual(await check(jwt, {}, h), { jkt: key.jkt });
    const again = await check(jwt, {}, h);
    assert.ok(again instanceof OAuthError);
    assert.match(again.description, /already used/);
    // The same jti from a new proof (another iat) is the same proof identity: still refused.
    const replayed = await check(await make({ jti: 'once', iat: NOW - 1 }), {}, h);
    assert.ok(replayed instanceof OAuthError && /already used/.test(replayed.description));
  });

  test('§4.3 (12): at a resource, ath missing or for another token', async () => {
    const at = { method: 'GET', url: USERINFO_URL, accessToken: 'at-1' };
    const bare = await make({ htm: 'GET', htu: USERINFO_URL });
    const challenge = await refused(bare, /needs ath/, at);
    assert.equal(challenge.hint, 'challenge-dpop', 'a resource refuses with a DPoP challenge (§7.1)');
    await refused(
      await make({ htm: 'GET', htu: USERINFO_URL, accessToken: 'at-2' }),
      /ath does not match/,
      at,
    );
  });

  test('at the token endpoint a refusal is a plain invalid_dpop_proof, no challenge (§5)', async () => {
    const result = await refused(await make({ htm: 'GET' }), /htm/);
    assert.equal(result.hint, undefined);
    assert.equal(result.dpopNonce, undefined, 'no nonce while nonces are off');
  });
});
