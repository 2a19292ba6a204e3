// Left-half hashes follow the ID token's alg (OIDC Core §3.1.3.6; Ed25519 takes SHA-512).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { leftHalfHash } from '../../../../src/protocol/tokens/left-half-hash.ts';
import { SIGNING_ALGS } from '../../../../src/shared/algorithms.ts';
import { exchange, harness, issueCode, ok, testSnapshot, WEB_CB } from '../../helpers.ts';

const ACCESS_TOKEN = 'dNZX1hEZ9wBCzNL40Upu646bdzQA';

/** Computed here from first principles: digest, left-most half, base64url. */
const expected = (hash: string, bytes: number) =>
  createHash(hash).update(ACCESS_TOKEN, 'ascii').digest().subarray(0, bytes).toString('base64url');

describe('left-half hash per signing algorithm', () => {
  const cases = [
    { alg: 'RS256', hash: 'sha256', bytes: 16 },
    { alg: 'PS256', hash: 'sha256', bytes: 16 },
    { alg: 'ES256', hash: 'sha256', bytes: 16 },
    { alg: 'EdDSA', hash: 'sha512', bytes: 32 },
  ] as const;

  test('every algorithm Tessera signs with has a case here', () => {
    assert.deepEqual(
      cases.map((c) => c.alg),
      [...SIGNING_ALGS],
    );
  });

  for (const { alg, hash, bytes } of cases) {
    test(`${alg}: the left ${bytes} bytes of ${hash.toUpperCase()}, base64url`, () => {
      const value = leftHalfHash(ACCESS_TOKEN, alg);
      assert.equal(value, expected(hash, bytes));
      assert.equal(Buffer.from(value, 'base64url').length, bytes);
    });
  }

  test('EdDSA (Ed25519) differs from the SHA-256 value, so a client checking with SHA-512 agrees', () => {
    assert.notEqual(leftHalfHash(ACCESS_TOKEN, 'EdDSA'), expected('sha256', 16));
  });

  test('the ID token at_hash uses the alg the client registered for its ID tokens', async () => {
    const snapshot = testSnapshot();
    const web = snapshot.clients!.find((c) => c.client_id === 'web')!;
    Object.assign(web, { id_token_signed_response_alg: 'EdDSA' });
    const h = harness(snapshot);
    const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid' });
    const response = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
    const sha512 = createHash('sha512').update(response.access_token, 'ascii').digest();
    assert.equal(decodeJwt(response.id_token!)['at_hash'], sha512.subarray(0, 32).toString('base64url'));
  });
});
