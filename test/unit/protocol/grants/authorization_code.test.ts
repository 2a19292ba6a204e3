// grant_type=authorization_code rules (RFC 6749 §4.1.3, §10.5, RFC 7636 §4.6, RFC 9700 §2.1.1).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import type { TokenResponse } from '../../../../src/protocol/tokens/response.ts';
import { sha256 } from '../../../../src/shared/crypto.ts';
import {
  basic,
  CODE_LIFETIME,
  exchange,
  type Harness,
  harness,
  issueCode,
  OTHER_SECRET,
  ok,
  pkcePair,
  token,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';

function invalidGrant(result: TokenResponse | OAuthError, says?: RegExp): void {
  assert.ok(result instanceof OAuthError, `expected invalid_grant, got ${JSON.stringify(result)}`);
  assert.equal(result.code, 'invalid_grant');
  if (says) assert.match(result.description, says);
}

/** A code for web with redirect_uri sent and scope openid. */
const webCode = (h: Harness, extra: RawParams = {}) =>
  issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid', ...extra });

describe('authorization_code: the code', () => {
  test('a valid code is exchanged for tokens', async () => {
    const h = harness();
    ok(await exchange(h, await webCode(h), { redirect_uri: WEB_CB }));
  });

  test('a missing code is invalid_request', async () => {
    const h = harness();
    const result = await exchange(h, '', { redirect_uri: WEB_CB });
    assert.ok(result instanceof OAuthError);
    assert.equal(result.code, 'invalid_request');
    assert.match(result.description, /code is required/);
  });

  test('an unknown code is invalid_grant', async () => {
    const h = harness();
    await webCode(h);
    invalidGrant(await exchange(h, 'x'.repeat(43), { redirect_uri: WEB_CB }));
  });

  test('the stored hash of a code is not accepted as the code', async () => {
    const h = harness();
    await webCode(h);
    invalidGrant(await exchange(h, h.savedCodes[0]!.hash, { redirect_uri: WEB_CB }));
  });

  test('a code is still valid one second before it expires', async () => {
    const h = harness();
    const code = await webCode(h);
    h.clock.advance(CODE_LIFETIME - 1);
    ok(await exchange(h, code, { redirect_uri: WEB_CB }));
  });

  test('an expired code is invalid_grant', async () => {
    const h = harness();
    const code = await webCode(h);
    h.clock.advance(CODE_LIFETIME);
    invalidGrant(await exchange(h, code, { redirect_uri: WEB_CB }), /expired/);
  });

  test('a code issued to another client is invalid_grant and stays redeemable by its own client', async () => {
    const h = harness();
    const code = await webCode(h);
    invalidGrant(await exchange(h, code, { redirect_uri: WEB_CB }, basic('other', OTHER_SECRET)));
    ok(await exchange(h, code, { redirect_uri: WEB_CB }));
  });

  test('unknown, expired and foreign codes get the same description', async () => {
    const h = harness();
    const foreign = await exchange(
      h,
      await webCode(h),
      { redirect_uri: WEB_CB },
      basic('other', OTHER_SECRET),
    );
    const unknown = await exchange(h, 'unknown', { redirect_uri: WEB_CB });
    const expiring = await webCode(h);
    h.clock.advance(CODE_LIFETIME);
    const expired = await exchange(h, expiring, { redirect_uri: WEB_CB });
    assert.ok(
      foreign instanceof OAuthError && unknown instanceof OAuthError && expired instanceof OAuthError,
    );
    assert.equal(foreign.description, unknown.description);
    assert.equal(expired.description, unknown.description);
  });
});

describe('authorization_code: redirect_uri (RFC 6749 §4.1.3)', () => {
  test('sent in the authorization request: the same value is accepted', async () => {
    const h = harness();
    ok(await exchange(h, await webCode(h), { redirect_uri: WEB_CB }));
  });

  test('sent in the authorization request: omitting it is invalid_grant', async () => {
    const h = harness();
    invalidGrant(await exchange(h, await webCode(h)), /redirect_uri is required/);
  });

  for (const [rule, value] of [
    ['a trailing slash', `${WEB_CB}/`],
    ['different case', 'https://APP.example/cb'],
    ['an added query', `${WEB_CB}?x=1`],
    ['another registered URI of the client', 'https://multi.example/a'],
  ]) {
    test(`sent in the authorization request: a value with ${rule} is invalid_grant`, async () => {
      const h = harness();
      invalidGrant(await exchange(h, await webCode(h), { redirect_uri: value! }), /does not match/);
    });
  }

  test('not sent in the authorization request: omitting it is accepted', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: 'web', scope: 'profile' });
    ok(await exchange(h, code));
  });

  test('not sent in the authorization request: sending it, even the registered one, is invalid_grant', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: 'web', scope: 'profile' });
    invalidGrant(await exchange(h, code, { redirect_uri: WEB_CB }), /must not be sent/);
  });
});

describe('authorization_code: PKCE (RFC 7636 §4.6)', () => {
  const { verifier, challenge } = pkcePair();
  const pkceCode = (h: Harness) => webCode(h, { code_challenge: challenge, code_challenge_method: 'S256' });

  test('the verifier whose S256 is the challenge is accepted', async () => {
    const h = harness();
    ok(await exchange(h, await pkceCode(h), { redirect_uri: WEB_CB, code_verifier: verifier }));
  });

  const refused: { rule: string; verifier: string | undefined; says: RegExp }[] = [
    { rule: 'a missing verifier', verifier: undefined, says: /code_verifier is required/ },
    { rule: 'an empty verifier', verifier: '', says: /code_verifier is required/ },
    {
      rule: 'a well-formed but wrong verifier',
      verifier: pkcePair('other').verifier,
      says: /does not match/,
    },
    { rule: 'the challenge sent as the verifier (plain)', verifier: challenge, says: /does not match/ },
    { rule: 'a verifier of 42 characters', verifier: verifier.slice(0, 42), says: /43-128/ },
    { rule: 'a verifier of 129 characters', verifier: 'a'.repeat(129), says: /43-128/ },
    {
      rule: 'a verifier with a character outside [A-Za-z0-9-._~]',
      verifier: `${verifier.slice(0, 43)}+`,
      says: /43-128/,
    },
  ];
  for (const { rule, verifier: sent, says } of refused) {
    test(`a code with a challenge refuses ${rule} with invalid_grant`, async () => {
      const h = harness();
      const extra: RawParams = { redirect_uri: WEB_CB };
      if (sent !== undefined) extra['code_verifier'] = sent;
      invalidGrant(await exchange(h, await pkceCode(h), extra), says);
    });
  }

  test('a verifier sent for a code issued without a challenge is invalid_grant', async () => {
    const h = harness();
    invalidGrant(
      await exchange(h, await webCode(h), { redirect_uri: WEB_CB, code_verifier: verifier }),
      /no code_challenge/,
    );
  });
});

describe('authorization_code: one use only (RFC 6749 §4.1.2, §10.5)', () => {
  test('a second redemption is invalid_grant and revokes the tokens of the first', async () => {
    const h = harness();
    const code = await webCode(h, { scope: 'openid profile' });
    const first = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
    assert.ok(first.refresh_token);
    invalidGrant(await exchange(h, code, { redirect_uri: WEB_CB }), /already used/);
    assert.equal((await h.store.grants.findToken(sha256(first.access_token)))?.revoked, true);
    assert.equal((await h.store.grants.findToken(sha256(first.refresh_token)))?.revoked, true);
  });

  test('after a second redemption the first refresh token no longer works', async () => {
    const h = harness();
    const code = await webCode(h);
    const first = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
    await exchange(h, code, { redirect_uri: WEB_CB });
    const refreshed = await token(
      h,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token! },
      basic('web', WEB_SECRET),
    );
    invalidGrant(refreshed);
  });

  test('a second redemption that fails PKCE is refused without revoking the grant', async () => {
    const h = harness();
    const { verifier, challenge } = pkcePair();
    const code = await webCode(h, { code_challenge: challenge, code_challenge_method: 'S256' });
    const first = ok(await exchange(h, code, { redirect_uri: WEB_CB, code_verifier: verifier }));
    invalidGrant(await exchange(h, code, { redirect_uri: WEB_CB, code_verifier: pkcePair('x').verifier }));
    assert.equal((await h.store.grants.findToken(sha256(first.access_token)))?.revoked, false);
  });

  test('a second redemption by another client is refused without revoking the grant', async () => {
    const h = harness();
    const code = await webCode(h);
    const first = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
    invalidGrant(await exchange(h, code, { redirect_uri: WEB_CB }, basic('other', OTHER_SECRET)));
    assert.equal((await h.store.grants.findToken(sha256(first.access_token)))?.revoked, false);
  });

  test('tokens of another grant survive a replay', async () => {
    const h = harness();
    const replayed = await webCode(h);
    const bystander = ok(await exchange(h, await webCode(h), { redirect_uri: WEB_CB }));
    await exchange(h, replayed, { redirect_uri: WEB_CB });
    await exchange(h, replayed, { redirect_uri: WEB_CB });
    assert.equal((await h.store.grants.findToken(sha256(bystander.access_token)))?.revoked, false);
  });

  test('of concurrent redemptions of one code at most one gets tokens', async () => {
    const h = harness();
    const code = await webCode(h);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => exchange(h, code, { redirect_uri: WEB_CB })),
    );
    assert.ok(results.filter((r) => !(r instanceof OAuthError)).length <= 1);
    assert.ok(results.filter((r) => r instanceof OAuthError).every((r) => r.code === 'invalid_grant'));
  });
});
