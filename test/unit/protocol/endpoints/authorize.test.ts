// Authorization endpoint (RFC 6749 §4.1.2, RFC 9207, OIDC Core §3.1.2): login, prompt, and the code it issues.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sha256 } from '../../../../src/shared/crypto.ts';
import {
  AUTHORIZE_PATH,
  authorize,
  harness,
  ISSUER,
  login,
  NOW,
  pkcePair,
  redirectParams,
  authorizeParams as valid,
  WEB_CB,
} from '../../helpers.ts';

describe('authorize: authentication', () => {
  test('without a session the user is sent to the client authenticator login, which returns to this request', async () => {
    const h = harness();
    const outcome = await authorize(h, valid({ prompt: 'login consent' }), undefined);
    assert.equal(outcome.kind, 'login');
    const location = new URL(outcome.location);
    assert.equal(location.pathname, '/authn/username-password');
    const returnTo = new URL(location.searchParams.get('return_to')!, 'https://issuer.example');
    assert.equal(returnTo.pathname, AUTHORIZE_PATH);
    assert.equal(returnTo.searchParams.get('state'), 'st-123');
    assert.equal(
      returnTo.searchParams.get('prompt'),
      'consent',
      'prompt=login is dropped so the login satisfies it',
    );
    assert.equal(h.savedCodes.length, 0);
  });

  test('an unknown session cookie counts as no session', async () => {
    const h = harness();
    const outcome = await authorize(h, valid(), 'not-a-session');
    assert.equal(outcome.kind, 'login');
  });

  test('an expired session counts as no session', async () => {
    const h = harness();
    const session = await login(h, { lifetime: 100 });
    h.clock.advance(100);
    assert.equal((await authorize(h, valid(), session)).kind, 'login');
  });

  test('a session made by another authenticator than the client requires counts as no session', async () => {
    const h = harness();
    const session = await login(h, { authenticator: 'staff' });
    assert.equal((await authorize(h, valid(), session)).kind, 'login');
    const staff = await authorize(h, valid({ client_id: 'staff-app', scope: 'openid' }), session);
    assert.ok(redirectParams(staff).get('code'), 'the same session serves a client of its authenticator');
  });

  test('prompt=none without a session answers login_required by redirect with state and iss', async () => {
    const h = harness();
    const query = redirectParams(await authorize(h, valid({ prompt: 'none' }), undefined));
    assert.equal(query.get('error'), 'login_required');
    assert.equal(query.get('state'), 'st-123');
    assert.equal(query.get('iss'), ISSUER);
  });

  test('prompt=login with a session sends the user to log in again', async () => {
    const h = harness();
    assert.equal((await authorize(h, valid({ prompt: 'login' }), await login(h))).kind, 'login');
  });

  test('with a session the response redirects to the redirect URI with exactly code, state and iss', async () => {
    const h = harness();
    const outcome = await authorize(h, valid(), await login(h));
    assert.ok(outcome.kind === 'redirect' && outcome.error === undefined, JSON.stringify(outcome));
    const url = new URL(outcome.location);
    assert.equal(`${url.origin}${url.pathname}`, WEB_CB);
    assert.deepEqual([...url.searchParams.keys()].sort(), ['code', 'iss', 'state']);
    assert.equal(url.searchParams.get('state'), 'st-123');
    assert.equal(url.searchParams.get('iss'), ISSUER);
    assert.match(url.searchParams.get('code')!, /^[A-Za-z0-9_-]{43}$/);
  });

  test('the code is stored only as its hash, with what the request and session said', async () => {
    const h = harness();
    const session = await login(h);
    h.clock.advance(30);
    const { challenge } = pkcePair();
    const params = valid({ nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = redirectParams(await authorize(h, params, session)).get('code')!;
    assert.equal(h.savedCodes.length, 1);
    const saved = h.savedCodes[0]!;
    assert.equal(saved.hash, sha256(code));
    assert.ok(!JSON.stringify(saved).includes(code), 'the code value itself is never stored');
    assert.equal(await h.store.grants.findCode(code), undefined);
    assert.deepEqual(
      { ...saved, grantId: typeof saved.grantId },
      {
        hash: sha256(code),
        grantId: 'string',
        clientId: 'web',
        accountId: 'alice',
        redirectUri: WEB_CB,
        scope: 'openid profile',
        nonce: 'n-1',
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        authTime: NOW,
        acr: 'urn:tessera:authentication:html-form:username-password',
        amr: 'pwd',
        expiresAt: NOW + 30 + 60,
        claims: null,
        // Without offline_access the grant ends with the SSO session it was made in (OIDC Core §11).
        sessionHash: sha256(session),
        resource: null,
        jkt: null,
      },
    );
  });

  test('every authorization issues a different code for a different grant', async () => {
    const h = harness();
    const session = await login(h);
    const first = redirectParams(await authorize(h, valid(), session)).get('code');
    const second = redirectParams(await authorize(h, valid(), session)).get('code');
    assert.notEqual(first, second);
    assert.notEqual(h.savedCodes[0]?.grantId, h.savedCodes[1]?.grantId);
  });
});
