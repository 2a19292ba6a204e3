// The authorization-request checks after the redirect URI is trusted: errors redirected, valid requests let through.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import {
  authorize,
  harness,
  ISSUER,
  login,
  pkcePair,
  redirectParams,
  authorizeParams as valid,
  WEB_CB,
} from '../../helpers.ts';

describe('authorize: errors after the redirect URI is trusted go back to the client', () => {
  const { challenge } = pkcePair();
  const cases: { rule: string; params: RawParams; error: string; description?: RegExp }[] = [
    {
      rule: 'a repeated scope',
      params: valid({ scope: ['openid', 'openid'] }),
      error: 'invalid_request',
      description: /scope must not be repeated/,
    },
    {
      rule: 'a repeated response_type',
      params: valid({ response_type: ['code', 'code'] }),
      error: 'invalid_request',
      description: /response_type must not be repeated/,
    },
    {
      rule: 'a repeated nonce',
      params: valid({ nonce: ['a', 'b'] }),
      error: 'invalid_request',
      description: /nonce must not be repeated/,
    },
    {
      rule: 'a NUL in nonce (PostgreSQL could not store it)',
      params: valid({ nonce: 'a\u0000b' }),
      error: 'invalid_request',
      description: /nonce contains a control character/,
    },
    {
      rule: 'a line break in state',
      params: valid({ state: 'a\nb' }),
      error: 'invalid_request',
      description: /state contains a control character/,
    },
    {
      rule: 'a lone surrogate in login_hint',
      params: valid({ login_hint: 'a\ud800' }),
      error: 'invalid_request',
      description: /login_hint contains text that is not valid Unicode/,
    },
    {
      rule: 'a missing response_type',
      params: valid({ response_type: undefined }),
      error: 'invalid_request',
      description: /response_type is required/,
    },
    {
      rule: 'an empty response_type',
      params: valid({ response_type: '' }),
      error: 'invalid_request',
      description: /response_type is required/,
    },
    {
      rule: 'response_type=token',
      params: valid({ response_type: 'token' }),
      error: 'unsupported_response_type',
    },
    {
      rule: 'response_type="code id_token"',
      params: valid({ response_type: 'code id_token' }),
      error: 'unsupported_response_type',
    },
    {
      rule: 'response_mode=fragment',
      params: valid({ response_mode: 'fragment' }),
      error: 'invalid_request',
      description: /response_mode/,
    },
    {
      rule: 'a scope the client may not use',
      params: valid({ scope: 'openid phone' }),
      error: 'invalid_scope',
      description: /phone/,
    },
    {
      rule: 'a scope no one defined',
      params: valid({ scope: 'openid admin' }),
      error: 'invalid_scope',
      description: /admin/,
    },
    {
      rule: 'a scope with a character RFC 6749 §3.3 forbids',
      params: valid({ scope: 'openid "x"' }),
      error: 'invalid_scope',
    },
    {
      rule: 'code_challenge_method=plain',
      params: valid({ code_challenge: challenge, code_challenge_method: 'plain' }),
      error: 'invalid_request',
      description: /S256/,
    },
    {
      rule: 'a code_challenge without a method (which means plain)',
      params: valid({ code_challenge: challenge }),
      error: 'invalid_request',
      description: /S256/,
    },
    {
      rule: 'an unknown code_challenge_method',
      params: valid({ code_challenge: challenge, code_challenge_method: 'S512' }),
      error: 'invalid_request',
      description: /S512/,
    },
    {
      rule: 'a code_challenge of 42 characters',
      params: valid({ code_challenge: 'a'.repeat(42), code_challenge_method: 'S256' }),
      error: 'invalid_request',
      description: /code_challenge must be/,
    },
    {
      rule: 'a code_challenge of 129 characters',
      params: valid({ code_challenge: 'a'.repeat(129), code_challenge_method: 'S256' }),
      error: 'invalid_request',
      description: /code_challenge must be/,
    },
    {
      rule: 'a code_challenge with "+" or "/" (base64, not base64url)',
      params: valid({ code_challenge: `${'a'.repeat(42)}+`, code_challenge_method: 'S256' }),
      error: 'invalid_request',
      description: /code_challenge must be/,
    },
    {
      rule: 'code_challenge_method without code_challenge',
      params: valid({ code_challenge_method: 'S256' }),
      error: 'invalid_request',
      description: /without code_challenge/,
    },
    {
      rule: 'an unknown prompt value',
      params: valid({ prompt: 'bogus' }),
      error: 'invalid_request',
      description: /prompt/,
    },
    {
      rule: 'prompt=none combined with login',
      params: valid({ prompt: 'none login' }),
      error: 'invalid_request',
      description: /prompt=none/,
    },
  ];
  for (const { rule, params, error, description } of cases) {
    test(`${error} by redirect: ${rule}`, async () => {
      const h = harness();
      const outcome = await authorize(h, params, await login(h));
      const query = redirectParams(outcome);
      assert.equal(query.get('error'), error);
      if (description) assert.match(query.get('error_description') ?? '', description);
      assert.equal(h.savedCodes.length, 0, 'no code is issued');
    });
  }

  test('an error redirect goes to the redirect URI and carries error, error_description, state and iss', async () => {
    const h = harness();
    const outcome = await authorize(h, valid({ response_type: 'token' }), await login(h));
    assert.ok(outcome.kind === 'redirect' && outcome.error, JSON.stringify(outcome));
    const url = new URL(outcome.location);
    assert.equal(`${url.origin}${url.pathname}`, WEB_CB);
    assert.deepEqual([...url.searchParams.keys()].sort(), ['error', 'error_description', 'iss', 'state']);
    assert.equal(url.searchParams.get('error_description'), outcome.error.description);
    assert.equal(url.searchParams.get('state'), 'st-123');
    assert.equal(url.searchParams.get('iss'), ISSUER);
  });

  test('an error redirect for a repeated state does not echo either state', async () => {
    const h = harness();
    const query = redirectParams(await authorize(h, valid({ state: ['a', 'b'] }), await login(h)));
    assert.equal(query.get('error'), 'invalid_request');
    assert.equal(query.has('state'), false);
  });

  test('an error redirect without state in the request has no state parameter', async () => {
    const h = harness();
    const query = redirectParams(
      await authorize(h, valid({ state: undefined, response_type: 'token' }), await login(h)),
    );
    assert.equal(query.get('error'), 'unsupported_response_type');
    assert.equal(query.has('state'), false);
  });
});

describe('authorize: accepted requests', () => {
  test('PKCE with S256 and a 43-character challenge is accepted and the challenge is kept with the code', async () => {
    const h = harness();
    const { challenge } = pkcePair();
    const outcome = await authorize(
      h,
      valid({ code_challenge: challenge, code_challenge_method: 'S256' }),
      await login(h),
    );
    assert.ok(redirectParams(outcome).get('code'));
    assert.equal(h.savedCodes[0]?.codeChallenge, challenge);
  });

  test('PKCE with S256 and a 128-character challenge is accepted', async () => {
    const h = harness();
    const challenge = 'A'.repeat(128);
    const outcome = await authorize(
      h,
      valid({ code_challenge: challenge, code_challenge_method: 'S256' }),
      await login(h),
    );
    assert.ok(redirectParams(outcome).get('code'));
  });

  test('unknown parameters are ignored', async () => {
    const h = harness();
    const outcome = await authorize(
      h,
      valid({ foo: 'bar', bar: ['1', '2'], utm_source: 'x' }),
      await login(h),
    );
    assert.ok(redirectParams(outcome).get('code'));
  });

  test('empty values count as absent: state, nonce, code_challenge and its method', async () => {
    const h = harness();
    const outcome = await authorize(
      h,
      valid({ state: '', nonce: '', code_challenge: '', code_challenge_method: '', prompt: '' }),
      await login(h),
    );
    const query = redirectParams(outcome);
    assert.ok(query.get('code'));
    assert.equal(query.has('state'), false);
    assert.equal(h.savedCodes[0]?.nonce, null);
    assert.equal(h.savedCodes[0]?.codeChallenge, null);
  });

  test('an empty scope is accepted as no scope', async () => {
    const h = harness();
    await authorize(h, valid({ scope: '', redirect_uri: WEB_CB }), await login(h));
    assert.equal(h.savedCodes[0]?.scope, '');
  });
});
