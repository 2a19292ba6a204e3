// The device authorization endpoint and grant (RFC 8628 §3.1-§3.5) over the memory store with a frozen clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import {
  type DeviceAuthorizationResponse,
  deviceAuthorizationEndpoint,
} from '../../../../src/protocol/endpoints/device-authorization.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { sha256 } from '../../../../src/shared/crypto.ts';
import { hashUserCode, normalizeUserCode } from '../../../../src/shared/user-code.ts';
import { basic, form, type Harness, harness, ok, testSnapshot, token, WEB_SECRET } from '../../helpers.ts';

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const API = 'https://reports.example/api';

function deviceSnapshot(): SnapshotInput {
  const base = testSnapshot();
  return {
    ...base,
    apis: [{ identifier: API, scopes: ['reports'] }],
    clients: [
      ...(base.clients ?? []),
      {
        client_id: 'tv',
        capabilities: ['device_code'],
        token_endpoint_auth_method: 'none',
        scopes: ['openid', 'profile', 'reports'],
        apis: [API],
      },
      {
        client_id: 'tv-no-refresh',
        capabilities: ['device_code'],
        token_endpoint_auth_method: 'none',
        scopes: ['openid'],
        refresh_token: { enabled: false },
      },
    ],
  };
}

async function start(h: Harness, body: Record<string, string | string[]> = {}, authorization?: string) {
  const result = await deviceAuthorizationEndpoint(
    form({ client_id: 'tv', scope: 'openid profile', ...body }, authorization),
    h.deps,
  );
  if (result instanceof OAuthError) throw new Error(`${result.code}: ${result.description}`);
  return result;
}
const refusal = async (h: Harness, body: Record<string, string | string[]>, authorization?: string) => {
  const result = await deviceAuthorizationEndpoint(form(body, authorization), h.deps);
  assert.ok(result instanceof OAuthError, JSON.stringify(result));
  return result.code;
};
const poll = (h: Harness, device: DeviceAuthorizationResponse, clientId = 'tv') =>
  token(h, { grant_type: GRANT, device_code: device.device_code, client_id: clientId });
const errorOf = async (result: Promise<unknown>) => {
  const value = await result;
  assert.ok(value instanceof OAuthError, JSON.stringify(value));
  return value.code;
};
const userHash = (device: DeviceAuthorizationResponse) => hashUserCode(normalizeUserCode(device.user_code)!);
const approve = (h: Harness, device: DeviceAuthorizationResponse, accountId = 'acc-1') =>
  h.store.deviceCodes.decide(userHash(device), h.clock.nowSeconds(), {
    kind: 'approve',
    accountId,
    authTime: h.clock.nowSeconds() - 30,
    acr: 'urn:acr:pwd',
    amr: 'pwd',
  });

describe('device authorization endpoint (§3.1, §3.2)', () => {
  test('answers the device code, a XXXX-XXXX user code, the verification URIs, expires_in and interval', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    assert.match(device.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(device.verification_uri, 'https://issuer.example/device');
    assert.equal(
      device.verification_uri_complete,
      `https://issuer.example/device?user_code=${encodeURIComponent(device.user_code)}`,
    );
    assert.equal(device.expires_in, 600);
    assert.equal(device.interval, 5);
  });

  test('stores only hashes: the device code and the user code are not in the stored request', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    const stored = await h.store.deviceCodes.poll(sha256(device.device_code), h.clock.nowSeconds());
    assert.ok(stored);
    assert.equal(stored.userCodeHash, userHash(device));
    assert.ok(!JSON.stringify(stored).includes(device.device_code));
    assert.ok(!JSON.stringify(stored).includes(normalizeUserCode(device.user_code)!));
  });

  test('the configured lifetime and interval are what the response says', async () => {
    const h = harness(deviceSnapshot());
    h.deps.server.deviceCodeLifetime = 900;
    h.deps.server.devicePollInterval = 8;
    const device = await start(h);
    assert.deepEqual([device.expires_in, device.interval], [900, 8]);
  });

  test('a client without the capability is unauthorized_client', async () => {
    const h = harness(deviceSnapshot());
    assert.equal(await refusal(h, { scope: 'openid' }, basic('web', WEB_SECRET)), 'unauthorized_client');
  });

  test('a scope the client may not have is invalid_scope; an API it may not use is invalid_target', async () => {
    const h = harness(deviceSnapshot());
    assert.equal(await refusal(h, { client_id: 'tv', scope: 'email' }), 'invalid_scope');
    assert.equal(
      await refusal(h, { client_id: 'tv', scope: 'reports', resource: 'https://other.example' }),
      'invalid_target',
    );
    assert.equal(await refusal(h, { client_id: 'tv', resource: 'not a uri' }), 'invalid_target');
  });

  test('an unknown client is invalid_client; a repeated scope is invalid_request', async () => {
    const h = harness(deviceSnapshot());
    assert.equal(await refusal(h, { client_id: 'nobody' }), 'invalid_client');
    assert.equal(await refusal(h, { client_id: 'tv', scope: ['openid', 'profile'] }), 'invalid_request');
  });

  test('a user code already taken is drawn again: two requests never share one', async () => {
    const h = harness(deviceSnapshot());
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add((await start(h)).user_code);
    assert.equal(codes.size, 20);
  });
});

describe('device_code grant (§3.4, §3.5)', () => {
  test('pending: authorization_pending; a poll within the interval: slow_down, and the interval grows by 5 s', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    assert.equal(await errorOf(poll(h, device)), 'authorization_pending');
    h.clock.advance(4);
    assert.equal(await errorOf(poll(h, device)), 'slow_down');
    h.clock.advance(9);
    assert.equal(await errorOf(poll(h, device)), 'slow_down');
    // Two slow_downs: the interval is 15 now.
    h.clock.advance(15);
    assert.equal(await errorOf(poll(h, device)), 'authorization_pending');
  });

  test('a poll exactly one interval later is not too fast', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await poll(h, device);
    h.clock.advance(5);
    assert.equal(await errorOf(poll(h, device)), 'authorization_pending');
  });

  test('approved: tokens for the approving account, an ID token with its auth_time, acr and amr, a refresh token', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await approve(h, device);
    const tokens = ok(await poll(h, device));
    assert.equal(tokens.scope, 'openid profile');
    assert.ok(tokens.refresh_token);
    const idToken = decodeJwt(tokens.id_token!);
    assert.equal(idToken.aud, 'tv');
    assert.equal(idToken.auth_time, h.clock.nowSeconds() - 30);
    assert.equal(idToken['acr'], 'urn:acr:pwd');
    assert.deepEqual(idToken['amr'], ['pwd']);
    assert.equal(idToken['nonce'], undefined);
  });

  test('the device code is single use: a second redemption after success is invalid_grant', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await approve(h, device);
    ok(await poll(h, device));
    h.clock.advance(10);
    assert.equal(await errorOf(poll(h, device)), 'invalid_grant');
  });

  test('two concurrent redemptions of one approved code: one gets tokens, the other invalid_grant', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await approve(h, device);
    const results = await Promise.all([poll(h, device), poll(h, device)]);
    assert.equal(results.filter((r) => !(r instanceof OAuthError)).length, 1);
    assert.equal(results.filter((r) => r instanceof OAuthError && r.code === 'invalid_grant').length, 1);
  });

  test('refresh tokens follow the client: a client with them off gets none', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h, { client_id: 'tv-no-refresh', scope: 'openid' });
    await approve(h, device);
    const tokens = ok(await poll(h, device, 'tv-no-refresh'));
    assert.equal(tokens.refresh_token, undefined);
    assert.ok(tokens.id_token);
  });

  test('denied: access_denied', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await h.store.deviceCodes.decide(userHash(device), h.clock.nowSeconds(), {
      kind: 'deny',
      accountId: 'a',
    });
    assert.equal(await errorOf(poll(h, device)), 'access_denied');
  });

  test('after expires_in: expired_token, even once approved', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await approve(h, device);
    h.clock.advance(600);
    assert.equal(await errorOf(poll(h, device)), 'expired_token');
  });

  test("another client's device code is invalid_grant; so is an unknown one and a missing one", async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h);
    await approve(h, device);
    assert.equal(await errorOf(poll(h, device, 'tv-no-refresh')), 'invalid_grant');
    assert.equal(
      await errorOf(token(h, { grant_type: GRANT, device_code: 'x', client_id: 'tv' })),
      'invalid_grant',
    );
    assert.equal(await errorOf(token(h, { grant_type: GRANT, client_id: 'tv' })), 'invalid_request');
    // The owner still redeems it.
    ok(await poll(h, device));
  });

  test('a client without the capability is unauthorized_client at the token endpoint', async () => {
    const h = harness(deviceSnapshot());
    const result = token(h, { grant_type: GRANT, device_code: 'x' }, basic('web', WEB_SECRET));
    assert.equal(await errorOf(result), 'unauthorized_client');
  });

  test('the resource named in the device request is the audience; another one is invalid_target', async () => {
    const h = harness(deviceSnapshot());
    const device = await start(h, { scope: 'reports', resource: API });
    await approve(h, device);
    const other = token(h, {
      grant_type: GRANT,
      device_code: device.device_code,
      client_id: 'tv',
      resource: 'https://elsewhere.example',
    });
    assert.equal(await errorOf(other), 'invalid_target');
    const tokens = ok(await poll(h, device));
    assert.equal(tokens.scope, 'reports');
  });
});
