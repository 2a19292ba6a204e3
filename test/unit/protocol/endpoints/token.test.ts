// Token endpoint rules before any grant runs (RFC 6749 §3.2, §5.2): body format, parameters, grant_type.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wireError } from '../../../../src/http/errors.ts';
import { tokenEndpoint } from '../../../../src/protocol/endpoints/token.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import { basic, exchange, harness, issueCode, ok, token, WEB_CB, WEB_SECRET } from '../../helpers.ts';

const WEB = basic('web', WEB_SECRET);

describe('token endpoint: request format', () => {
  const mediaTypes: { rule: string; contentType: string | undefined; says: RegExp }[] = [
    {
      rule: 'a JSON body',
      contentType: 'application/json',
      says: /x-www-form-urlencoded, not application\/json/,
    },
    {
      rule: 'a multipart body',
      contentType: 'multipart/form-data',
      says: /x-www-form-urlencoded, not multipart/,
    },
    { rule: 'no content type', contentType: undefined, says: /must be application\/x-www-form-urlencoded$/ },
  ];
  for (const { rule, contentType, says } of mediaTypes) {
    test(`invalid_request saying the body must be form-encoded: ${rule}`, async () => {
      const h = harness();
      const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid' });
      const result = await tokenEndpoint(
        {
          contentType,
          body: { grant_type: 'authorization_code', code, redirect_uri: WEB_CB },
          authorization: WEB,
        },
        h.deps,
      );
      assert.ok(result instanceof OAuthError);
      assert.equal(result.code, 'invalid_request');
      assert.match(result.description, says);
      assert.equal(
        (await h.store.grants.findCode(h.savedCodes[0]!.hash))?.used,
        false,
        'the code is not spent',
      );
    });
  }

  test('a form-encoded body with the same parameters is accepted', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid' });
    ok(await exchange(h, code, { redirect_uri: WEB_CB }));
  });

  const repeated: { rule: string; body: RawParams; names: RegExp }[] = [
    {
      rule: 'grant_type',
      body: { grant_type: ['authorization_code', 'authorization_code'], code: 'c' },
      names: /grant_type must not be repeated/,
    },
    {
      rule: 'code',
      body: { grant_type: 'authorization_code', code: ['a', 'b'] },
      names: /code must not be repeated/,
    },
    {
      rule: 'client_secret',
      body: { grant_type: 'authorization_code', code: 'c', client_secret: ['x', 'y'] },
      names: /client_secret must not be repeated/,
    },
    {
      rule: 'client_id, named once',
      body: { grant_type: 'authorization_code', code: 'c', client_id: ['web', 'web'] },
      names: /^parameter client_id must not be repeated$/,
    },
    {
      rule: 'two parameters at once',
      body: { grant_type: 'refresh_token', refresh_token: ['a', 'b'], scope: ['x', 'y'] },
      names: /parameters refresh_token, scope must not be repeated/,
    },
  ];
  for (const { rule, body, names } of repeated) {
    test(`a repeated parameter is invalid_request naming it: ${rule}`, async () => {
      const result = await token(harness(), body, WEB);
      assert.ok(result instanceof OAuthError);
      assert.equal(result.code, 'invalid_request');
      assert.match(result.description, names);
    });
  }

  test('a repeated unknown parameter is ignored', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid' });
    ok(await exchange(h, code, { redirect_uri: WEB_CB, x_custom: ['a', 'b'] }));
  });
});

describe('token endpoint: grant_type', () => {
  test('a missing grant_type is invalid_request', async () => {
    const result = await token(harness(), { code: 'c' }, WEB);
    assert.ok(result instanceof OAuthError);
    assert.equal(result.code, 'invalid_request');
    assert.match(result.description, /grant_type is required/);
  });

  test('an empty grant_type counts as missing', async () => {
    const result = await token(harness(), { grant_type: '' }, WEB);
    assert.ok(result instanceof OAuthError);
    assert.match(result.description, /grant_type is required/);
  });

  for (const grantType of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code']) {
    test(`an unsupported grant_type is unsupported_grant_type: ${grantType}`, async () => {
      const result = await token(harness(), { grant_type: grantType }, WEB);
      assert.ok(result instanceof OAuthError);
      assert.equal(result.code, 'unsupported_grant_type');
      assert.match(result.description, new RegExp(grantType));
    });
  }

  test('an unsupported grant_type from an unauthenticated client is invalid_client', async () => {
    const result = await token(harness(), { grant_type: 'password' }, basic('web', 'wrong'));
    assert.ok(result instanceof OAuthError);
    assert.equal(result.code, 'invalid_client');
  });

  test('the token request is authenticated: wrong secret at the endpoint is invalid_client with a 401', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid' });
    const result = await exchange(h, code, { redirect_uri: WEB_CB }, basic('web', `${WEB_SECRET}x`));
    assert.ok(result instanceof OAuthError);
    assert.equal(result.code, 'invalid_client');
    assert.equal(wireError(result).status, 401);
    assert.equal(result.hint, 'challenge-basic');
  });
});
