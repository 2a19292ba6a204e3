// DPoP server nonces (RFC 9449 §8, §9): required, accepted from any node, stale after two windows, carried to the wire.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wireError } from '../../../../src/http/errors.ts';
import { freshNonce, NONCE_WINDOW, nonceAccepted } from '../../../../src/protocol/dpop/nonce.ts';
import { checkDpopProof } from '../../../../src/protocol/dpop/proof.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { FixedClock } from '../../../../src/shared/clock.ts';
import { type Harness, harness, NOW } from '../../helpers.ts';
import { dpopKey, proof } from './proofs.ts';

const TOKEN_URL = 'https://issuer.example/oauth/v2/oauth-token';
const USERINFO_URL = 'https://issuer.example/oauth/v2/oauth-userinfo';
const key = await dpopKey();

function nonceHarness(required = true): Harness {
  const h = harness();
  h.deps.server = { ...h.deps.server, dpopNonceRequired: required };
  return h;
}

async function check(h: Harness, nonce: string | undefined, resource = false) {
  const now = h.clock.nowSeconds();
  const jwt = await proof(key, {
    htu: resource ? USERINFO_URL : TOKEN_URL,
    htm: resource ? 'GET' : 'POST',
    iat: now,
    ...(nonce === undefined ? {} : { nonce }),
    ...(resource ? { accessToken: 'at' } : {}),
  });
  return checkDpopProof(
    {
      header: jwt,
      method: resource ? 'GET' : 'POST',
      url: resource ? USERINFO_URL : TOKEN_URL,
      ...(resource ? { accessToken: 'at' } : {}),
    },
    h.deps,
  );
}

function useNonce(result: unknown, reason: RegExp): OAuthError {
  assert.ok(result instanceof OAuthError, `expected use_dpop_nonce, got ${JSON.stringify(result)}`);
  assert.equal(result.code, 'use_dpop_nonce');
  assert.match(result.description, reason);
  return result;
}

describe('DPoP nonces off', () => {
  test('a proof without a nonce is accepted', async () => {
    assert.deepEqual(await check(nonceHarness(false), undefined), { jkt: key.jkt });
  });
});

describe('DPoP nonces required (§8)', () => {
  test('a proof without a nonce gets use_dpop_nonce carrying a fresh nonce', async () => {
    const h = nonceHarness();
    const error = useNonce(await check(h, undefined), /requires a nonce/);
    assert.equal(error.dpopNonce, freshNonce(h.deps));
  });

  test('the nonce it was given is accepted', async () => {
    const h = nonceHarness();
    const error = useNonce(await check(h, undefined), /requires a nonce/);
    assert.deepEqual(await check(h, error.dpopNonce), { jkt: key.jkt });
  });

  test('a nonce from the previous window is still accepted; two windows back it is stale', async () => {
    const h = nonceHarness();
    const nonce = freshNonce(h.deps);
    h.clock.advance(NONCE_WINDOW);
    assert.deepEqual(await check(h, nonce), { jkt: key.jkt });
    h.clock.advance(NONCE_WINDOW);
    useNonce(await check(h, nonce), /invalid or stale/);
  });

  test('a made-up nonce is refused', async () => {
    useNonce(await check(nonceHarness(), 'made-up-nonce'), /invalid or stale/);
  });

  test('stateless: another node with the same key accepts the nonce; a node with another key does not', () => {
    const clock = new FixedClock(NOW);
    const issuer = { clock, nonceKey: Buffer.alloc(32, 9) };
    const nonce = freshNonce(issuer);
    assert.ok(nonceAccepted(nonce, { clock, nonceKey: Buffer.alloc(32, 9) }));
    assert.equal(nonceAccepted(nonce, { clock, nonceKey: Buffer.alloc(32, 8) }), false);
  });
});

describe('use_dpop_nonce on the wire', () => {
  test('token endpoint (§8): 400, error use_dpop_nonce, DPoP-Nonce header', async () => {
    const h = nonceHarness();
    const wire = wireError(useNonce(await check(h, undefined), /nonce/));
    assert.equal(wire.status, 400);
    assert.equal(wire.body?.error, 'use_dpop_nonce');
    assert.equal(wire.headers['dpop-nonce'], freshNonce(h.deps));
    assert.equal(wire.headers['www-authenticate'], undefined);
  });

  test('resource (§9): 401, WWW-Authenticate DPoP error="use_dpop_nonce", DPoP-Nonce header', async () => {
    const h = nonceHarness();
    const wire = wireError(useNonce(await check(h, undefined, true), /nonce/));
    assert.equal(wire.status, 401);
    assert.match(wire.headers['www-authenticate'] ?? '', /^DPoP realm="tessera", error="use_dpop_nonce", /);
    assert.equal(wire.headers['dpop-nonce'], freshNonce(h.deps));
  });

  test('any refused proof carries a fresh nonce while nonces are on', async () => {
    const h = nonceHarness();
    const jwt = await proof(key, { htu: TOKEN_URL, htm: 'GET', iat: NOW });
    const error = await checkDpopProof({ header: jwt, method: 'POST', url: TOKEN_URL }, h.deps);
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'invalid_dpop_proof');
    assert.equal(error.dpopNonce, freshNonce(h.deps));
  });
});
