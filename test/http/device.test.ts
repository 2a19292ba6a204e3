// The device authorization grant over HTTP (RFC 8628): every §3.5 answer, the verification page, and hostile input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixedClock } from '../../src/shared/clock.ts';
import { basic, claimsOf, findForm, logIn, postForm, signUp, token } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const clock = new FixedClock(Math.floor(Date.now() / 1000));
const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const API = 'https://api.example.com';
let server: TestServer;
let alice: UserAgent;

before(async () => {
  const clients = [
    wwwClient,
    {
      client_id: 'tv',
      name: 'Living-room TV',
      capabilities: ['device_code'],
      token_endpoint_auth_method: 'none',
      scopes: ['openid', 'profile', 'read'],
      apis: [API],
    },
    { ...wwwClient, client_id: 'console', capabilities: ['device_code', 'code'] },
  ];
  server = await startServer({
    clock,
    config: {
      clients,
      scopes: [{ name: 'read', description: 'Read your things' }],
      apis: [{ identifier: API, scopes: ['read'] }],
    },
  });
  alice = await signUp(server, 'alice');
});
after(() => server.close());

const deviceUrl = () => `${server.url}/oauth/v2/oauth-device-authorization`;
const authorizeDevice = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  postForm(deviceUrl(), form, headers);

async function newDevice(form: Record<string, string> = { client_id: 'tv', scope: 'openid profile' }) {
  const res = await authorizeDevice(form);
  assert.equal(res.status, 200, res.text);
  return res.json as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete: string;
    expires_in: number;
    interval: number;
  };
}
const poll = (deviceCode: string, clientId = 'tv') =>
  token(server, { grant_type: GRANT, device_code: deviceCode, client_id: clientId });

/** Enters the code on the verification page as `agent` (logged in) and answers Approve or Deny. */
async function decide(agent: UserAgent, userCode: string, decision: 'approve' | 'deny') {
  const entry = await agent.request(`${server.url}/device`);
  const confirm = await agent.submit(entry, { user_code: userCode.toLowerCase().replace('-', '') });
  assert.equal(confirm.status, 200, confirm.body.slice(0, 400));
  assert.match(confirm.body, /Living-room TV/);
  const form = findForm(confirm, /\/device\/confirm$/);
  return agent.follow(form.action, { form: { ...form.fields, decision } });
}

describe('device authorization endpoint (RFC 8628 §3.1, §3.2)', () => {
  test('a public client gets a device code, a XXXX-XXXX user code without ambiguous letters and the short URLs', async () => {
    const res = await authorizeDevice({ client_id: 'tv', scope: 'openid' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = res.json;
    assert.match(body['user_code'] as string, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.match(body['device_code'] as string, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body['verification_uri'], `${server.url}/device`);
    assert.equal(
      body['verification_uri_complete'],
      `${server.url}/device?user_code=${encodeURIComponent(body['user_code'] as string)}`,
    );
    assert.equal(body['expires_in'], 600);
    assert.equal(body['interval'], 5);
  });

  test('a confidential client authenticates with its secret; a wrong secret is invalid_client', async () => {
    const ok = await authorizeDevice({ scope: 'openid' }, { authorization: basic('console', WWW_SECRET) });
    assert.equal(ok.status, 200, ok.text);
    const bad = await authorizeDevice({ scope: 'openid' }, { authorization: basic('console', 'wrong') });
    assert.equal(bad.status, 401);
    assert.equal(bad.json['error'], 'invalid_client');
  });

  test('a client without the Device Flow capability is unauthorized_client', async () => {
    const res = await authorizeDevice({ scope: 'openid' }, { authorization: basic('www', WWW_SECRET) });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'unauthorized_client');
  });

  test('a scope the client may not have is invalid_scope; an API it may not use is invalid_target', async () => {
    const scope = await authorizeDevice({ client_id: 'tv', scope: 'openid email' });
    assert.equal(scope.json['error'], 'invalid_scope');
    const target = await authorizeDevice({
      client_id: 'tv',
      scope: 'read',
      resource: 'https://other.example',
    });
    assert.equal(target.json['error'], 'invalid_target');
  });

  test('discovery names the endpoint and the grant while a client has the capability', async () => {
    const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc['device_authorization_endpoint'], deviceUrl());
    assert.ok((doc['grant_types_supported'] as string[]).includes(GRANT));
  });
});

describe('device code grant at the token endpoint (RFC 8628 §3.4, §3.5)', () => {
  test('before the user decides: authorization_pending; polling within the interval: slow_down, and the interval grows by 5', async () => {
    const device = await newDevice();
    const first = await poll(device.device_code);
    assert.equal(first.status, 400);
    assert.equal(first.json['error'], 'authorization_pending');
    clock.advance(2);
    const fast = await poll(device.device_code);
    assert.equal(fast.json['error'], 'slow_down');
    // The interval is now 10: 6 seconds later is still too fast, 10 seconds later is fine.
    clock.advance(6);
    assert.equal((await poll(device.device_code)).json['error'], 'slow_down');
    clock.advance(15);
    assert.equal((await poll(device.device_code)).json['error'], 'authorization_pending');
  });

  test('after Approve: tokens with an ID token for the user who approved, then the code is used up', async () => {
    const device = await newDevice();
    const done = await decide(alice, device.user_code, 'approve');
    assert.equal(done.status, 200);
    assert.match(done.body, /Device connected/);
    const tokens = await poll(device.device_code);
    assert.equal(tokens.status, 200, tokens.text);
    assert.ok(tokens.json['access_token']);
    assert.ok(tokens.json['refresh_token']);
    const idToken = claimsOf(tokens.json['id_token'] as string);
    assert.equal(idToken.aud, 'tv');
    assert.ok(typeof idToken.sub === 'string' && idToken.sub !== '');
    clock.advance(10);
    const again = await poll(device.device_code);
    assert.equal(again.json['error'], 'invalid_grant');
  });

  test('each decision is in the audit log with the account and the client, and no code', async () => {
    const approved = await newDevice();
    await decide(alice, approved.user_code, 'approve');
    const denied = await newDevice();
    await decide(alice, denied.user_code, 'deny');
    const events = await server.tessera.store.audit.list({
      types: ['device.approved', 'device.denied'],
      limit: 100,
    });
    assert.ok(events.some((e) => e.type === 'device.approved' && e.clientId === 'tv' && e.accountId));
    assert.ok(events.some((e) => e.type === 'device.denied' && e.clientId === 'tv'));
    const text = JSON.stringify(events);
    for (const secret of [approved.user_code, approved.device_code, denied.user_code])
      assert.ok(!text.includes(secret) && !text.includes(secret.replace('-', '')), 'no code in the log');
  });

  test('after Deny: access_denied with status 400', async () => {
    const device = await newDevice();
    const done = await decide(alice, device.user_code, 'deny');
    assert.match(done.body, /Request denied/);
    const res = await poll(device.device_code);
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'access_denied');
  });

  test('after expires_in: expired_token', async () => {
    const device = await newDevice();
    clock.advance(601);
    const res = await poll(device.device_code);
    assert.equal(res.json['error'], 'expired_token');
  });

  test("another client's device code is invalid_grant; a made-up one too", async () => {
    const device = await newDevice({ client_id: 'tv', scope: 'openid' });
    const foreign = await token(
      server,
      { grant_type: GRANT, device_code: device.device_code },
      basic('console', WWW_SECRET),
    );
    assert.equal(foreign.json['error'], 'invalid_grant');
    assert.equal((await poll('not-a-device-code')).json['error'], 'invalid_grant');
  });

  test('a missing device_code is invalid_request', async () => {
    const res = await token(server, { grant_type: GRANT, client_id: 'tv' });
    assert.equal(res.json['error'], 'invalid_request');
  });

  test('a resource named in the device request is the access token audience', async () => {
    const device = await newDevice({ client_id: 'tv', scope: 'read', resource: API });
    await decide(alice, device.user_code, 'approve');
    const tokens = await poll(device.device_code);
    assert.equal(tokens.status, 200, tokens.text);
    const introspected = await postForm(
      `${server.url}/oauth/v2/oauth-introspect`,
      { token: tokens.json['access_token'] as string },
      { authorization: basic('www', WWW_SECRET) },
    );
    assert.equal(introspected.json['active'], true);
    assert.deepEqual([introspected.json['aud']].flat(), [API]);
  });
});

describe('verification page (RFC 8628 §3.3, §5.1, §5.4)', () => {
  test('the code from verification_uri_complete is filled in, in a labelled, autofocused input', async () => {
    const device = await newDevice();
    const page = await new UserAgent().request(device.verification_uri_complete);
    assert.equal(page.status, 200);
    assert.match(page.body, /<label for="user_code">/);
    assert.match(page.body, new RegExp(`id="user_code"[^>]*value="${device.user_code}"[^>]*autofocus`));
  });

  test('a browser without a session is sent to the login, and back to the confirmation', async () => {
    const device = await newDevice();
    const bob = await signUp(server, 'bob');
    bob.cookies.delete('tessera_sso');
    const entry = await bob.request(`${server.url}/device`);
    const login = await bob.submit(entry, { user_code: device.user_code });
    const confirm = await logIn(bob, login, 'bob');
    assert.equal(confirm.status, 200, confirm.body.slice(0, 300));
    assert.match(confirm.body, /Allow this device\?/);
    assert.match(confirm.body, new RegExp(device.user_code));
  });

  test('the confirmation form is CSRF-protected: a post without the token decides nothing', async () => {
    const device = await newDevice();
    const res = await alice.request(`${server.url}/device/confirm`, {
      form: { user_code: device.user_code, decision: 'approve' },
    });
    assert.equal(res.status, 403);
    assert.equal((await poll(device.device_code)).json['error'], 'authorization_pending');
  });

  test('wrong codes from one address are throttled after 10: even a right code is refused then', async () => {
    const device = await newDevice();
    const guesser = new UserAgent();
    for (let i = 0; i < 10; i++) {
      const entry = await guesser.request(`${server.url}/device`);
      const res = await guesser.submit(entry, { user_code: 'BBBB-BBBB' });
      assert.equal(res.status, 400);
    }
    const entry = await guesser.request(`${server.url}/device`);
    const res = await guesser.submit(entry, { user_code: device.user_code });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After says when');
    assert.match(res.body, /Too many wrong codes/);
    clock.advance(601);
  });

  test('hostile user codes (NUL, overlong, markup) are refused without a 500', async () => {
    const agent = new UserAgent();
    for (const userCode of ['BCDF\u0000GHJK', 'B'.repeat(5000), '<script>x</script>']) {
      const entry = await agent.request(`${server.url}/device`);
      const res = await agent.submit(entry, { user_code: userCode });
      assert.ok(res.status === 400 || res.status === 413, `status ${res.status}`);
      assert.doesNotMatch(res.body, /<script>x/);
    }
    const query = await agent.request(`${server.url}/device?user_code=%00`);
    assert.equal(query.status, 400);
    clock.advance(601);
  });

  test('the QR code is an SVG of verification_uri_complete; a malformed code gets none', async () => {
    const ok = await fetch(`${server.url}/device/qr?user_code=bcdfghjk`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.match(await ok.text(), /^<svg/);
    const bad = await fetch(`${server.url}/device/qr?user_code=AAAA-AAAA`);
    assert.equal(bad.status, 400);
  });
});
