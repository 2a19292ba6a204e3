// The JWT signer: signs with the active key of the asked algorithm; kid and x5t in the header; verifiable with the JWKS.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { SIGNING_ALGS } from '../../../src/keys/algorithms.ts';
import { type KeyRing, loadKeyRing } from '../../../src/keys/keyring.ts';
import { masterKeyOf } from '../../../src/keys/master-key.ts';
import { createJwtSigner } from '../../../src/keys/signer.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

const ISSUER = 'https://issuer.example/oauth/v2/oauth-anonymous';
const NOW = 1_700_000_000;
let ring: KeyRing;
before(async () => {
  ring = await loadKeyRing(createMemoryStore().keys, masterKeyOf(Buffer.alloc(32, 5)), NOW, ISSUER);
});

for (const alg of SIGNING_ALGS) {
  test(`${alg}: the JWT verifies against the published JWKS, with kid and x5t of the active key`, async () => {
    const sign = createJwtSigner(ring, new FixedClock(NOW));
    const jwt = await sign({ iss: ISSUER, sub: 'alice', iat: NOW, exp: NOW + 60 }, { alg });
    const active = ring.active(alg, NOW);
    const header = decodeProtectedHeader(jwt);
    assert.deepEqual(header, { alg, typ: 'JWT', kid: active.kid, x5t: active.x5t });
    const jwk = ring.jwks().keys.find((k) => k.kid === header.kid);
    assert.equal(header.x5t, jwk?.x5t, 'x5t names the published certificate');
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(ring.jwks()), {
      issuer: ISSUER,
      algorithms: [alg],
      currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.sub, 'alice');
  });
}

test('typ is at+jwt when asked (RFC 9068 §2.1), and a tampered payload does not verify', async () => {
  const sign = createJwtSigner(ring, new FixedClock(NOW));
  const jwt = await sign({ sub: 'alice' }, { alg: 'RS256', typ: 'at+jwt' });
  assert.equal(decodeProtectedHeader(jwt).typ, 'at+jwt');
  const [h, , s] = jwt.split('.');
  const forged = `${h}.${Buffer.from('{"sub":"mallory"}').toString('base64url')}.${s}`;
  await assert.rejects(jwtVerify(forged, createLocalJWKSet(ring.jwks())));
});
