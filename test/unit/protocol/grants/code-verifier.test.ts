// PKCE at the token endpoint (RFC 7636 §4.6), in protocol/grants/code-verifier.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { verifyCodeVerifier } from '../../../../src/protocol/grants/code-verifier.ts';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const S256 = createHash('sha256').update(VERIFIER).digest('base64url');

describe('code_verifier', () => {
  test('RFC 7636 appendix B: the S256 verifier matches its challenge', () => {
    assert.equal(S256, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.equal(verifyCodeVerifier(S256, 'S256', VERIFIER), undefined);
  });

  test('plain compares the verifier itself', () => {
    assert.equal(verifyCodeVerifier(VERIFIER, 'plain', VERIFIER), undefined);
    assert.equal(verifyCodeVerifier(VERIFIER, 'plain', `${VERIFIER.slice(0, -1)}x`)?.code, 'invalid_grant');
  });

  test('a wrong verifier, a missing one, or one outside 43-128 unreserved characters is invalid_grant', () => {
    for (const verifier of [
      `${VERIFIER.slice(0, -1)}A`,
      undefined,
      'short',
      `${VERIFIER}+`,
      'a'.repeat(129),
    ]) {
      assert.equal(verifyCodeVerifier(S256, 'S256', verifier)?.code, 'invalid_grant', String(verifier));
    }
  });

  test('RFC 9700 §2.1.1: a verifier for a code issued without a challenge is invalid_grant', () => {
    assert.equal(verifyCodeVerifier(null, null, VERIFIER)?.code, 'invalid_grant');
    assert.equal(verifyCodeVerifier(null, null, undefined), undefined);
  });
});
