// Dynamic client registration over HTTP (RFC 7591 §3, RFC 7592 §2): the response, the refusals, management, limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../fixtures/server.ts';

const PATH = '/oauth/v2/oauth-registration';
let server: TestServer;

const register = (body: unknown, headers: Record<string, string> = {}, address = '192.0.2.1') =>
  server.tessera.app.inject({
    method: 'POST',
    url: PATH,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    remoteAddress: address,
  });

const app = { redirect_uris: ['https://app.example/cb'], client_name: 'App' };

before(async () => {
  server = await startServer({
    listen: false,
    config: { server: { registration: { enabled: true, access: 'open', rate_limit: 3, rate_window: 60 } } },
  });
});
after(() => server.close());

describe('registration (RFC 7591 §3.2.1)', () => {
  test('a confidential client gets a secret once, client_secret_expires_at 0, and a management URI and token', async () => {
    const res = await register(app, {}, '192.0.2.10');
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(typeof body.client_id, 'string');
    assert.equal(typeof body.client_secret, 'string');
    assert.equal(body.client_secret_expires_at, 0);
    assert.equal(typeof body.client_id_issued_at, 'number');
    assert.equal(body.registration_client_uri, `${server.url}${PATH}/${body.client_id}`);
    assert.equal(typeof body.registration_access_token, 'string');
    assert.deepEqual(body.grant_types, ['authorization_code']);
    assert.equal(body.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(res.headers['cache-control'], 'no-store');
    const row = await server.tessera.store.registration.find(body.client_id);
    assert.ok(row);
    assert.equal(
      JSON.stringify(row).includes(body.client_secret),
      false,
      'the secret is stored only as a hash',
    );
    assert.equal(JSON.stringify(row).includes(body.registration_access_token), false);
    assert.equal(row.registeredBy, 'open registration');
    const events = await server.tessera.store.audit.list({ clientId: body.client_id, limit: 5 });
    assert.deepEqual(
      events.map((e) => [e.type, e.actor, e.address]),
      [['client.registered', 'registration', '192.0.2.10']],
    );
  });

  test('a public client (none) gets no secret and no client_secret_expires_at', async () => {
    const res = await register({ ...app, token_endpoint_auth_method: 'none' }, {}, '192.0.2.11');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().client_secret, undefined);
    assert.equal(res.json().client_secret_expires_at, undefined);
  });

  test('a browser client may register from another origin: the preflight and the response allow it', async () => {
    const preflight = await server.tessera.app.inject({
      method: 'OPTIONS',
      url: PATH,
      headers: { origin: 'https://inspector.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-headers']), /content-type/);
    const res = await register(
      { ...app, token_endpoint_auth_method: 'none' },
      { origin: 'https://inspector.example' },
      '192.0.2.12',
    );
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  test('discovery names the registration endpoint while registration is on', async () => {
    const res = await server.tessera.app.inject(`/oauth/v2/oauth-anonymous/.well-known/openid-configuration`);
    assert.equal(res.json().registration_endpoint, `${server.url}${PATH}`);
  });
});

describe('refusals (RFC 7591 §3.2.2)', () => {
  const refused = async (body: unknown, code: string, field: RegExp, address: string) => {
    const res = await register(body, {}, address);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error, code);
    assert.match(res.json().error_description, field);
  };
  test('a javascript: redirect URI is invalid_redirect_uri', () =>
    refused(
      { redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
      /redirect_uris.*javascript/,
      '198.51.100.1',
    ));
  test('data: and file: redirect URIs are invalid_redirect_uri', async () => {
    await refused({ redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri', /data/, '198.51.100.2');
    await refused({ redirect_uris: ['file:///etc/passwd'] }, 'invalid_redirect_uri', /file/, '198.51.100.2');
  });
  test('an http redirect URI on a non-loopback host is invalid_redirect_uri; on loopback it is accepted', async () => {
    await refused(
      { redirect_uris: ['http://app.example/cb'] },
      'invalid_redirect_uri',
      /loopback/,
      '198.51.100.3',
    );
    const res = await register(
      { redirect_uris: ['http://127.0.0.1:4000/cb'], token_endpoint_auth_method: 'none' },
      {},
      '198.51.100.3',
    );
    assert.equal(res.statusCode, 201, res.body);
  });
  test('a private-use scheme is refused unless the policy allows custom schemes', () =>
    refused({ redirect_uris: ['com.example.app:/cb'] }, 'invalid_redirect_uri', /https/, '198.51.100.4'));
  test('a fragment in a redirect URI is invalid_redirect_uri', () =>
    refused(
      { redirect_uris: ['https://app.example/cb#x'] },
      'invalid_redirect_uri',
      /fragment/,
      '198.51.100.4',
    ));
  test('an unknown grant type is invalid_client_metadata naming grant_types', () =>
    refused(
      { ...app, grant_types: ['password'] },
      'invalid_client_metadata',
      /^grant_types: /,
      '198.51.100.5',
    ));
  test('a scope outside the policy is invalid_client_metadata naming scope', () =>
    refused({ ...app, scope: 'openid admin' }, 'invalid_client_metadata', /^scope: admin/, '198.51.100.5'));
  test('an auth method the policy does not list is invalid_client_metadata', () =>
    refused(
      { ...app, token_endpoint_auth_method: 'client_secret_jwt' },
      'invalid_client_metadata',
      /token_endpoint_auth_method/,
      '198.51.100.6',
    ));
  test('malformed JSON is invalid_client_metadata, not a 500', () =>
    refused('{"redirect_uris": [', 'invalid_client_metadata', /could not be read/, '198.51.100.6'));
  test('a JSON array instead of an object is invalid_client_metadata', () =>
    refused('[1,2]', 'invalid_client_metadata', /JSON object/, '198.51.100.7'));
  test('a NUL byte in a field is refused at the edge as invalid_client_metadata', () =>
    refused({ ...app, client_name: 'a\u0000b' }, 'invalid_client_metadata', /client_name/, '198.51.100.7'));
  test('a body that is not JSON is invalid_client_metadata', async () => {
    const res = await server.tessera.app.inject({
      method: 'POST',
      url: PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'redirect_uris=https://app.example/cb',
      remoteAddress: '198.51.100.8',
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error, 'invalid_client_metadata');
  });
  test('a huge body is refused with 413 and nothing is stored', async () => {
    const before = (await server.tessera.store.registration.list(1000)).length;
    const res = await register({ ...app, client_name: 'x'.repeat(200_000) }, {}, '198.51.100.9');
    assert.equal(res.statusCode, 413, res.body);
    assert.equal((await server.tessera.store.registration.list(1000)).length, before);
  });
});

describe('management (RFC 7592)', () => {
  const manage = (method: 'GET' | 'PUT' | 'DELETE', clientId: string, token: string, body?: unknown) =>
    server.tessera.app.inject({
      method,
      url: `${PATH}/${clientId}`,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });

  test('GET with the registration access token reads the client; PUT replaces it; DELETE removes it', async () => {
    const made = (await register(app, {}, '203.0.113.1')).json();
    const read = await manage('GET', made.client_id, made.registration_access_token);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().client_name, 'App');
    assert.equal(read.json().client_secret, undefined, 'the secret exists only as a hash');
    const put = await manage('PUT', made.client_id, made.registration_access_token, {
      client_id: made.client_id,
      redirect_uris: ['https://app.example/other'],
      client_name: 'Renamed',
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json().redirect_uris, ['https://app.example/other']);
    const client = await server.tessera.store.registration.find(made.client_id);
    assert.equal(client?.config['name'], 'Renamed');
    const gone = await manage('DELETE', made.client_id, made.registration_access_token);
    assert.equal(gone.statusCode, 204);
    assert.equal(await server.tessera.store.registration.find(made.client_id), undefined);
    const after = await manage('GET', made.client_id, made.registration_access_token);
    assert.equal(after.statusCode, 401, 'a deleted client is answered like a wrong token');
  });

  test('PUT with a javascript: redirect URI is refused with the same validation as registration', async () => {
    const made = (await register(app, {}, '203.0.113.2')).json();
    const put = await manage('PUT', made.client_id, made.registration_access_token, {
      client_id: made.client_id,
      redirect_uris: ['javascript:alert(1)'],
    });
    assert.equal(put.statusCode, 400);
    assert.equal(put.json().error, 'invalid_redirect_uri');
  });

  test('a wrong registration access token is 401 invalid_token with a Bearer challenge', async () => {
    const made = (await register(app, {}, '203.0.113.3')).json();
    const other = (await register(app, {}, '203.0.113.3')).json();
    const res = await manage('GET', made.client_id, other.registration_access_token);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_token');
    assert.match(String(res.headers['www-authenticate']), /^Bearer .*error="invalid_token"/);
    const none = await server.tessera.app.inject({ method: 'DELETE', url: `${PATH}/${made.client_id}` });
    assert.equal(none.statusCode, 401);
    assert.ok(await server.tessera.store.registration.find(made.client_id), 'nothing was deleted');
  });
});

test('an address over the rate limit gets 429 with Retry-After, and another address is not affected', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await register(app, {}, '192.0.2.99')).statusCode, 201);
  const limited = await register(app, {}, '192.0.2.99');
  assert.equal(limited.statusCode, 429, limited.body);
  assert.equal(limited.json().error, 'invalid_request');
  assert.ok(limited.headers['retry-after']);
  assert.equal((await register(app, {}, '192.0.2.100')).statusCode, 201);
});
