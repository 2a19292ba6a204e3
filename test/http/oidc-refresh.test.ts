// Refresh tokens (RFC 6749 §6, RFC 9700 §4.14): rotation with reuse detection, grace period, absolute and idle lifetimes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientSchema } from '../../src/config/schema.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { basic, isActive, signUp, type Tokens, token, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;
let agent: UserAgent;

const client = (id: string, refresh_token: Record<string, unknown>) => ({
  ...wwwClient,
  client_id: id,
  refresh_token,
});

before(async () => {
  server = await startServer({
    clock,
    config: {
      clients: [
        wwwClient,
        client('rotating', { rotation: true }),
        client('graceful', { rotation: true, reuse_grace: 10 }),
        client('short-lived', { rotation: true, lifetime: 100 }),
        client('idle', { rotation: true, lifetime: 1000, idle_lifetime: 50 }),
        client('static-short', { rotation: false, lifetime: 100 }),
      ],
    },
  });
  agent = await signUp(server, 'rita');
});
after(() => server.close());

const auth = (id: string) => basic(id, WWW_SECRET);
const start = (id: string): Promise<Tokens> =>
  tokensFor(server, agent, { id, secret: WWW_SECRET }, { scope: 'openid' });
const refresh = (id: string, value: string) =>
  token(server, { grant_type: 'refresh_token', refresh_token: value }, auth(id));

describe('rotation', () => {
  test('with rotation every refresh returns a new refresh token, and the new one works', async () => {
    const first = await start('rotating');
    clock.advance(1);
    const second = await refresh('rotating', first.refresh_token!);
    assert.equal(second.status, 200, second.text);
    const next = second.json['refresh_token'] as string;
    assert.ok(next);
    assert.notEqual(next, first.refresh_token);
    clock.advance(1);
    const third = await refresh('rotating', next);
    assert.equal(third.status, 200, third.text);
    assert.notEqual(third.json['refresh_token'], next);
  });

  test('a rotated-out refresh token presented again is invalid_grant and revokes the whole family', async () => {
    const first = await start('rotating');
    clock.advance(1);
    const second = await refresh('rotating', first.refresh_token!);
    const latestRefresh = second.json['refresh_token'] as string;
    const latestAccess = second.json['access_token'] as string;
    clock.advance(5);
    const replay = await refresh('rotating', first.refresh_token!);
    assert.equal(replay.status, 400);
    assert.equal(replay.json['error'], 'invalid_grant');
    const a = auth('rotating');
    assert.equal(await isActive(server, latestRefresh, a), false, 'latest refresh token revoked');
    assert.equal(await isActive(server, latestAccess, a), false, 'latest access token revoked');
    assert.equal(await isActive(server, first.access_token, a), false, 'first access token revoked');
    assert.equal((await refresh('rotating', latestRefresh)).json['error'], 'invalid_grant');
  });

  test('with reuse_grace 0, a rotated-out token presented again in the same second is refused too', async () => {
    const first = await start('rotating');
    const second = await refresh('rotating', first.refresh_token!);
    assert.equal(second.status, 200);
    const replay = await refresh('rotating', first.refresh_token!);
    assert.equal(replay.status, 400, 'the reused token was accepted');
    assert.equal(replay.json['error'], 'invalid_grant');
    assert.equal(await isActive(server, second.json['refresh_token'] as string, auth('rotating')), false);
  });

  test('a rotated-out refresh token is inactive at introspection', async () => {
    const first = await start('rotating');
    clock.advance(1);
    await refresh('rotating', first.refresh_token!);
    clock.advance(1);
    assert.equal(await isActive(server, first.refresh_token!, auth('rotating')), false);
  });

  test('with reuse_grace 0, a rotated-out refresh token is inactive at introspection at once', async () => {
    const first = await start('rotating');
    await refresh('rotating', first.refresh_token!);
    assert.equal(await isActive(server, first.refresh_token!, auth('rotating')), false);
  });

  test('reuse within reuse_grace is accepted and revokes nothing', async () => {
    const first = await start('graceful');
    const tab1 = await refresh('graceful', first.refresh_token!);
    clock.advance(5);
    const tab2 = await refresh('graceful', first.refresh_token!);
    assert.equal(tab2.status, 200, tab2.text);
    const a = auth('graceful');
    assert.ok(await isActive(server, tab1.json['refresh_token'] as string, a));
    assert.ok(await isActive(server, tab1.json['access_token'] as string, a));
    assert.ok(await isActive(server, tab2.json['refresh_token'] as string, a));
  });

  test('reuse after reuse_grace is invalid_grant and revokes the family', async () => {
    const first = await start('graceful');
    const tab1 = await refresh('graceful', first.refresh_token!);
    clock.advance(11);
    const late = await refresh('graceful', first.refresh_token!);
    assert.equal(late.json['error'], 'invalid_grant');
    assert.equal(await isActive(server, tab1.json['refresh_token'] as string, auth('graceful')), false);
  });

  test('without rotation (the confidential default) the refresh response has no new refresh token and the old one keeps working', async () => {
    const first = await start('www');
    const once = await refresh('www', first.refresh_token!);
    assert.equal(once.status, 200);
    assert.equal(once.json['refresh_token'], undefined);
    const twice = await refresh('www', first.refresh_token!);
    assert.equal(twice.status, 200);
  });

  test('a refreshed ID token keeps sub and auth_time and has no nonce', async () => {
    const first = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: 'openid', nonce: 'n-1' },
    );
    const next = await refresh('www', first.refresh_token!);
    const claims = (jwt: string) =>
      JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const before = claims(first.id_token!);
    const after = claims(next.json['id_token'] as string);
    assert.equal(after['sub'], before['sub']);
    assert.equal(after['auth_time'], before['auth_time']);
    assert.equal(before['nonce'], 'n-1');
    assert.equal(after['nonce'], undefined);
  });

  test('a refresh may narrow the scope but not widen it', async () => {
    const first = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: 'openid profile' },
    );
    const narrowed = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'openid' },
      auth('www'),
    );
    assert.equal(narrowed.json['scope'], 'openid');
    const widened = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'openid email' },
      auth('www'),
    );
    assert.equal(widened.json['error'], 'invalid_scope');
  });
});

describe('lifetimes', () => {
  test('absolute lifetime: the family expires lifetime seconds after the code was redeemed, however often rotated', async () => {
    const first = await start('short-lived');
    clock.advance(60);
    const second = await refresh('short-lived', first.refresh_token!);
    assert.equal(second.status, 200);
    const next = second.json['refresh_token'] as string;
    clock.advance(39);
    assert.ok(await isActive(server, next, auth('short-lived')), 'alive at 99 s');
    clock.advance(1);
    assert.equal(await isActive(server, next, auth('short-lived')), false, 'expired at 100 s');
    const late = await refresh('short-lived', next);
    assert.equal(late.status, 400);
    assert.equal(late.json['error'], 'invalid_grant');
  });

  test('absolute lifetime without rotation: the refresh token expires after lifetime seconds', async () => {
    const first = await start('static-short');
    clock.advance(99);
    assert.equal((await refresh('static-short', first.refresh_token!)).status, 200);
    clock.advance(1);
    assert.equal((await refresh('static-short', first.refresh_token!)).json['error'], 'invalid_grant');
  });

  test('idle_lifetime: each rotated token lives idle_lifetime seconds from its use', async () => {
    let current = (await start('idle')).refresh_token!;
    for (let i = 0; i < 3; i++) {
      clock.advance(49);
      const res = await refresh('idle', current);
      assert.equal(res.status, 200, `use ${i + 1} at 49 s idle`);
      current = res.json['refresh_token'] as string;
    }
    clock.advance(50);
    const late = await refresh('idle', current);
    assert.equal(late.json['error'], 'invalid_grant', 'unused for 50 s: expired');
  });

  test('idle_lifetime without rotation is refused in the configuration (a static token cannot be renewed)', () => {
    const config = { ...wwwClient, refresh_token: { rotation: false, idle_lifetime: 50 } };
    assert.equal(clientSchema.safeParse(config).success, false);
    assert.equal(clientSchema.safeParse({ ...config, refresh_token: { idle_lifetime: 50 } }).success, false);
    assert.ok(
      clientSchema.safeParse({ ...config, refresh_token: { rotation: true, idle_lifetime: 50 } }).success,
    );
  });
});
