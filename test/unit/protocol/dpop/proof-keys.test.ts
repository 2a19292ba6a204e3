// The DPoP proof-key cache: each key imported once, its RFC 7638 thumbprint kept with it, bad keys never cached.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { proofKey } from '../../../../src/protocol/dpop/proof-keys.ts';

test('a key seen before is the same imported key, with the RFC 7638 thumbprint of its JWK', async () => {
  const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
  const first = await proofKey(jwk, 'ES256');
  assert.equal(first.jkt, await calculateJwkThumbprint(jwk, 'sha256'));
  assert.equal(await proofKey({ ...jwk }, 'ES256'), first);
});

test('the same JWK under another alg is imported for that alg, or refused', async () => {
  const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
  await assert.rejects(proofKey(jwk, 'RS256'));
  // A refusal is not remembered: the right alg still imports.
  assert.ok((await proofKey(jwk, 'ES256')).jkt);
});
