// On the wire, error_description (JSON, redirect, WWW-Authenticate) uses only the RFC 6749 §5.2 charset.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { basic } from '../fixtures/user-agent.ts';

/** RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). */
const CHARSET = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
/** What the edge lets through to the protocol: controls such as NUL are refused before (input hygiene). */
const HOSTILE = 'pass"word\\é\u2028😀';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

async function tokenRequest(body: URLSearchParams, authorization: string) {
  const res = await fetch(`${server.url}/oauth/v2/oauth-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body,
  });
  const text = await res.text();
  return { res, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('error_description on the wire stays in the RFC 6749 §5.2 charset', () => {
  test('a grant_type with a double quote, a backslash and non-ASCII gets a clean JSON error_description', async () => {
    const { res, text, json } = await tokenRequest(
      new URLSearchParams({ grant_type: HOSTILE }),
      basic('www', WWW_SECRET),
    );
    assert.equal(res.status, 400);
    assert.equal(json['error'], 'unsupported_grant_type');
    const description = json['error_description'] as string;
    assert.match(description, CHARSET);
    assert.match(description, /^grant_type 'pass'word\/\?+' is not supported$/);
    // Nothing needed a JSON escape: the body is plain printable ASCII.
    assert.match(text, /^[\x20-\x7E]*$/);
    assert.doesNotMatch(text, /\\/);
  });

  test('a grant_type with NUL and other controls is refused with a clean error_description too', async () => {
    const { res, json } = await tokenRequest(
      new URLSearchParams({ grant_type: `${HOSTILE}\u0000\r\n` }),
      basic('www', WWW_SECRET),
    );
    assert.equal(res.status, 400);
    assert.match(json['error_description'] as string, CHARSET);
  });

  test('a malformed Basic header gets a clean error_description and a well-formed Basic challenge', async () => {
    const { res, json } = await tokenRequest(
      new URLSearchParams({ grant_type: HOSTILE }),
      `Basic ${Buffer.from('www').toString('base64')}"\\`,
    );
    assert.equal(res.status, 401);
    assert.equal(json['error'], 'invalid_client');
    assert.match(json['error_description'] as string, CHARSET);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="tessera", charset="UTF-8"');
  });

  test('a Bearer challenge quotes a clean error_description and nothing else', async () => {
    const res = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    // RFC 9449 §7.1: the DPoP challenge (its algs) follows the Bearer one.
    const match =
      /^Bearer realm="tessera", error="invalid_token", error_description="([^"]*)", DPoP realm="tessera", algs="[A-Za-z0-9 ]+"$/.exec(
        challenge,
      );
    assert.ok(match, challenge);
    assert.match(match[1]!, CHARSET);
  });

  test('an error redirect from the authorization endpoint carries a clean error_description', async () => {
    const url = new URL(`${server.url}/oauth/v2/oauth-authorize`);
    url.search = new URLSearchParams({
      response_type: HOSTILE,
      client_id: 'www',
      redirect_uri: 'http://localhost/callback',
      scope: 'openid',
      state: 's',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
    assert.match(location.searchParams.get('error_description') ?? '', CHARSET);
  });
});
