// grant_type=refresh_token rules (RFC 6749 §6, OIDC Core §12.2).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { TokenResponse } from '../../../../src/protocol/tokens/response.ts';
import { sha256 } from '../../../../src/shared/crypto.ts';
import {
  basic,
  exchange,
  type Harness,
  harness,
  issueCode,
  NO_REFRESH_SECRET,
  NOW,
  OTHER_SECRET,
  ok,
  testSnapshot,
  token,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';

const WEB = basic('web', WEB_SECRET);

/** Tokens from a code exchange by web for the given scope. */
async function initial(h: Harness, scope = 'openid profile email'): Promise<TokenResponse> {
  const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope, nonce: 'n-0' });
  return ok(await exchange(h, code, { redirect_uri: WEB_CB }));
}

const refresh = (h: Harness, refreshToken: string, extra: Record<string, string> = {}, auth = WEB) =>
  token(h, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth);

function refused(result: TokenResponse | OAuthError, code: string): void {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
}

describe('refresh_token: accepted', () => {
  test('a refresh token gets a new access token for the same grant, scope and account', async () => {
    const h = harness();
    const first = await initial(h);
    h.clock.advance(100);
    const next = ok(await refresh(h, first.refresh_token!));
    assert.notEqual(next.access_token, first.access_token);
    assert.equal(next.scope, 'openid profile email');
    assert.equal(next.expires_in, 600);
    const before = await h.store.grants.findToken(sha256(first.access_token));
    const after = await h.store.grants.findToken(sha256(next.access_token));
    assert.equal(after?.kind, 'access_token');
    assert.equal(after?.grantId, before?.grantId);
    assert.equal(after?.accountId, 'alice');
    assert.equal(after?.issuedAt, NOW + 100);
  });

  test('the new ID token keeps sub, aud and auth_time of the original authentication and has no nonce', async () => {
    const h = harness();
    const first = await initial(h);
    h.clock.advance(100);
    const next = ok(await refresh(h, first.refresh_token!));
    const original = decodeJwt(first.id_token!);
    const renewed = decodeJwt(next.id_token!);
    assert.equal(renewed.sub, original.sub);
    assert.equal(renewed.aud, original.aud);
    assert.equal(renewed['auth_time'], original['auth_time']);
    assert.equal(renewed.iat, NOW + 100);
    assert.equal(renewed['nonce'], undefined);
  });

  test('a refresh token works until the second before it expires', async () => {
    const h = harness();
    const first = await initial(h);
    h.clock.advance(7200 - 1);
    ok(await refresh(h, first.refresh_token!));
  });

  test('a narrower scope is granted as asked', async () => {
    const h = harness();
    const first = await initial(h);
    const next = ok(await refresh(h, first.refresh_token!, { scope: 'openid email' }));
    assert.equal(next.scope, 'openid email');
    assert.equal((await h.store.grants.findToken(sha256(next.access_token)))?.scope, 'openid email');
  });

  test('a narrower scope without openid gets no ID token', async () => {
    const h = harness();
    const first = await initial(h);
    const next = ok(await refresh(h, first.refresh_token!, { scope: 'profile' }));
    assert.equal(next.id_token, undefined);
  });
});

describe('refresh_token: refused', () => {
  test('a client with refresh tokens disabled is unauthorized_client', async () => {
    const h = harness();
    const result = await refresh(h, 'any', {}, basic('no-refresh', NO_REFRESH_SECRET));
    refused(result, 'unauthorized_client');
  });

  test('a refresh token issued before the client had refresh tokens disabled is unauthorized_client', async () => {
    const h = harness();
    const first = await initial(h);
    const snapshot = testSnapshot();
    const web = snapshot.clients!.find((c) => c.client_id === 'web')!;
    web.refresh_token = { enabled: false };
    h.setConfig(snapshot);
    refused(await refresh(h, first.refresh_token!), 'unauthorized_client');
  });

  test('a missing refresh_token is invalid_request', async () => {
    const h = harness();
    const result = await token(h, { grant_type: 'refresh_token' }, WEB);
    refused(result, 'invalid_request');
    assert.match((result as OAuthError).description, /refresh_token is required/);
  });

  test('an unknown refresh token is invalid_grant', async () => {
    const h = harness();
    await initial(h);
    refused(await refresh(h, 'x'.repeat(43)), 'invalid_grant');
  });

  test('an access token presented as a refresh token is invalid_grant', async () => {
    const h = harness();
    const first = await initial(h);
    refused(await refresh(h, first.access_token), 'invalid_grant');
  });

  test('a refresh token issued to another client is invalid_grant', async () => {
    const h = harness();
    const first = await initial(h);
    refused(await refresh(h, first.refresh_token!, {}, basic('other', OTHER_SECRET)), 'invalid_grant');
  });

  test('a refresh token of a revoked grant is invalid_grant', async () => {
    const h = harness();
    const first = await initial(h);
    const stored = await h.store.grants.findToken(sha256(first.refresh_token!));
    await h.store.grants.revokeGrant(stored!.grantId, NOW);
    refused(await refresh(h, first.refresh_token!), 'invalid_grant');
  });

  test('an expired refresh token is invalid_grant', async () => {
    const h = harness();
    const first = await initial(h);
    h.clock.advance(7200);
    refused(await refresh(h, first.refresh_token!), 'invalid_grant');
  });

  test('a scope wider than the original grant is invalid_scope, even one the client may use', async () => {
    const h = harness();
    const first = await initial(h, 'openid profile');
    const result = await refresh(h, first.refresh_token!, { scope: 'openid profile email' });
    refused(result, 'invalid_scope');
    assert.match((result as OAuthError).description, /email/);
  });

  test('a scope the client may not use at all is invalid_scope', async () => {
    const h = harness();
    const first = await initial(h);
    refused(await refresh(h, first.refresh_token!, { scope: 'openid admin' }), 'invalid_scope');
  });
});

describe('refresh_token: idle lifetime', () => {
  /** web with rotating refresh tokens that expire after 100 idle seconds (an idle lifetime needs rotation). */
  function idleHarness(): Harness {
    const snapshot = testSnapshot();
    const web = snapshot.clients!.find((c) => c.client_id === 'web')!;
    web.refresh_token = { enabled: true, lifetime: 7200, idle_lifetime: 100, rotation: true };
    return harness(snapshot);
  }

  test('an idle lifetime without rotation is refused by the config, since a fixed token cannot be kept alive by use', () => {
    const snapshot = testSnapshot();
    const web = snapshot.clients!.find((c) => c.client_id === 'web')!;
    web.refresh_token = { enabled: true, lifetime: 7200, idle_lifetime: 100 };
    assert.throws(() => harness(snapshot), /idle_lifetime|idle lifetime/);
  });

  test('a refresh token unused for its idle lifetime expires', async () => {
    const h = idleHarness();
    const first = await initial(h);
    h.clock.advance(100);
    refused(await refresh(h, first.refresh_token!), 'invalid_grant');
  });

  test('a refresh token used within its idle lifetime stays valid for another idle period', async () => {
    const h = idleHarness();
    const first = await initial(h);
    h.clock.advance(90);
    const used = ok(await refresh(h, first.refresh_token!));
    h.clock.advance(60);
    // Unused for 60 s, well within the 100 s idle lifetime: whichever refresh token the client now holds must work.
    ok(await refresh(h, used.refresh_token ?? first.refresh_token!));
  });
});
