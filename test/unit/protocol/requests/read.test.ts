// Which request the authorization endpoint acts on: the query, a request object, or a pushed request (and PAR-only clients).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuthorizeOutcome } from '../../../../src/protocol/endpoints/authorize.ts';
import { pushRequest, REQUEST_URI_PREFIX } from '../../../../src/protocol/requests/pushed.ts';
import {
  AUTHORIZE_PATH,
  authorize,
  authorizeParams,
  harness,
  login,
  pkcePair,
  redirectParams,
  WEB_CB,
} from '../../helpers.ts';
import { INNER, jarSnapshot, requestObject } from './fixtures.ts';

const errorPage = (outcome: AuthorizeOutcome, code: string) => {
  assert.equal(outcome.kind, 'error_page', JSON.stringify(outcome));
  assert.equal(outcome.kind === 'error_page' && outcome.error.code, code);
};

/** The authorization request the login or consent page will replay. */
const replayOf = (outcome: AuthorizeOutcome) =>
  new URL(
    new URL(outcome.kind === 'login' || outcome.kind === 'consent' ? outcome.location : '').searchParams.get(
      'return_to',
    )!,
    'https://issuer.example',
  );

describe('request objects at the authorization endpoint (RFC 9101)', () => {
  test('the request object parameters replace the outer ones (RFC 9101 §6.3)', async () => {
    const h = harness(jarSnapshot());
    const session = await login(h);
    const jwt = await requestObject('signer', INNER);
    const outer = {
      client_id: 'signer',
      request: jwt,
      state: 'outer-state',
      scope: 'openid',
      redirect_uri: 'https://evil.example/cb',
    };
    const query = redirectParams(await authorize(h, outer, session));
    assert.ok(query.get('code'));
    assert.equal(query.get('state'), 'inner-state', 'the outer state is ignored');
    assert.equal(h.savedCodes[0]?.scope, 'openid profile');
    assert.equal(h.savedCodes[0]?.nonce, 'inner-nonce');
  });

  test('an invalid request object is redirected to a trusted client with invalid_request_object and the outer state', async () => {
    const h = harness(jarSnapshot());
    const outcome = await authorize(
      h,
      { client_id: 'signer', request: 'x.y.z', state: 'outer' },
      await login(h),
    );
    const query = redirectParams(outcome);
    assert.equal(query.get('error'), 'invalid_request_object');
    assert.equal(query.get('state'), 'outer');
    assert.equal(outcome.kind === 'redirect' && new URL(outcome.location).origin, new URL(WEB_CB).origin);
  });

  test('an invalid request object from an unknown client, or none named, is an error page', async () => {
    const h = harness(jarSnapshot());
    errorPage(await authorize(h, { client_id: 'nobody', request: 'x.y.z' }), 'invalid_request');
    errorPage(await authorize(h, { request: await requestObject('signer', INNER) }), 'invalid_request');
  });

  test('request and request_uri together are an error page (RFC 9101 §5)', async () => {
    const h = harness(jarSnapshot());
    errorPage(
      await authorize(h, { client_id: 'signer', request: 'a.b.c', request_uri: 'urn:x' }),
      'invalid_request',
    );
  });
});

describe('pushed requests at the authorization endpoint (RFC 9126 §4)', () => {
  test('a pushed request is used in place of the query and yields a code; the request_uri then is spent', async () => {
    const h = harness();
    const session = await login(h);
    const { request_uri } = await pushRequest('web', authorizeParams(), 60, h.deps);
    const query = redirectParams(
      await authorize(h, { client_id: 'web', request_uri, state: 'ignored' }, session),
    );
    assert.ok(query.get('code'));
    assert.equal(query.get('state'), 'st-123');
    errorPage(await authorize(h, { client_id: 'web', request_uri }, session), 'invalid_request_uri');
  });

  test('an unusable request_uri is an error page, never a redirect', async () => {
    const h = harness();
    const { request_uri } = await pushRequest('web', authorizeParams(), 60, h.deps);
    errorPage(
      await authorize(h, { client_id: 'other', request_uri, redirect_uri: WEB_CB }),
      'invalid_request_uri',
    );
    errorPage(
      await authorize(h, { client_id: 'web', request_uri: `${REQUEST_URI_PREFIX}nope-nope-nope-nope` }),
      'invalid_request_uri',
    );
  });

  test('a request_uri URL (OIDC Core §6.2) is request_uri_not_supported, redirected when the query is trusted', async () => {
    const h = harness();
    const query = redirectParams(
      await authorize(h, authorizeParams({ request_uri: 'https://rp.example/r.jwt' })),
    );
    assert.equal(query.get('error'), 'request_uri_not_supported');
    assert.equal(query.get('state'), 'st-123');
  });

  test('a login in between replays a fresh request_uri, not the parameters, and the code still comes', async () => {
    const h = harness();
    const { challenge } = pkcePair();
    const params = authorizeParams({
      prompt: 'login',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const { request_uri } = await pushRequest('web', params, 60, h.deps);
    const first = await authorize(h, { client_id: 'web', request_uri });
    assert.equal(first.kind, 'login');
    const replay = replayOf(first);
    assert.equal(replay.pathname, AUTHORIZE_PATH);
    assert.deepEqual(
      [...replay.searchParams.keys()],
      ['client_id', 'request_uri'],
      'no parameter in the URL',
    );
    assert.notEqual(
      replay.searchParams.get('request_uri'),
      request_uri,
      'the first request_uri stays single use',
    );
    h.clock.advance(120);
    const session = await login(h);
    const query = redirectParams(await authorize(h, Object.fromEntries(replay.searchParams), session));
    assert.ok(
      query.get('code'),
      'prompt=login was satisfied by the login and the continuation outlived 60 s',
    );
    assert.equal(h.savedCodes[0]?.codeChallenge, challenge);
  });

  test('consent in between shows the scope on the replay URL and replays the pushed copy', async () => {
    const h = harness();
    const session = await login(h);
    const { request_uri } = await pushRequest('web', authorizeParams({ prompt: 'consent' }), 60, h.deps);
    const first = await authorize(h, { client_id: 'web', request_uri }, session);
    assert.equal(first.kind, 'consent');
    const replay = replayOf(first);
    assert.equal(replay.searchParams.get('scope'), 'openid profile');
    const tampered = { ...Object.fromEntries(replay.searchParams), scope: 'openid profile email reports' };
    const query = redirectParams(await authorize(h, tampered, session));
    assert.ok(query.get('code'));
    assert.equal(h.savedCodes[0]?.scope, 'openid profile', 'the scope in the URL is only shown');
  });
});

describe('PAR required (RFC 9126 §5)', () => {
  test('a PAR-only client sending a plain request is redirected with invalid_request, before other errors', async () => {
    const h = harness(jarSnapshot());
    for (const extra of [{ scope: 'openid' }, { scope: 'not-allowed' }]) {
      const query = redirectParams(await authorize(h, authorizeParams({ client_id: 'par-only', ...extra })));
      assert.equal(query.get('error'), 'invalid_request');
      assert.equal(query.get('error_description'), 'pushed authorization request required');
      assert.equal(query.get('state'), 'st-123');
    }
  });

  test('a PAR-only client may use a request_uri', async () => {
    const h = harness(jarSnapshot());
    const { request_uri } = await pushRequest(
      'par-only',
      authorizeParams({ client_id: 'par-only', scope: 'openid' }),
      60,
      h.deps,
    );
    assert.ok(
      redirectParams(await authorize(h, { client_id: 'par-only', request_uri }, await login(h))).get('code'),
    );
  });

  test('the server-wide setting refuses plain and request-object requests of every client', async () => {
    const h = harness(jarSnapshot());
    h.deps.server.requirePar = true;
    assert.equal(redirectParams(await authorize(h, authorizeParams())).get('error'), 'invalid_request');
    const signed = { client_id: 'signer', request: await requestObject('signer', INNER) };
    assert.equal(redirectParams(await authorize(h, signed)).get('error'), 'invalid_request');
  });

  test('an untrusted client or redirect URI still gets the error page, PAR or not', async () => {
    const h = harness(jarSnapshot());
    errorPage(
      await authorize(h, authorizeParams({ client_id: 'par-only', redirect_uri: 'https://evil.example/' })),
      'invalid_request',
    );
  });
});
