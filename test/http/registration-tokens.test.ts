// Registration with initial access tokens (RFC 7591 §3): created in the admin API, spent per use, revoked; admins
// list, disable and delete registered clients. Also: the endpoint is absent while registration is off.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const PATH = '/oauth/v2/oauth-registration';
let server: TestServer;
let api: AdminApi;

before(async () => {
  server = await startServer({ config: { server: { registration: { enabled: true } } } });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
});
after(() => server.close());

const register = (token: string | undefined, name = 'App') =>
  fetch(`${server.url}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], client_name: name }),
  });

test('without an initial access token a registration is 401, and nothing is stored', async () => {
  const res = await register(undefined);
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  const wrong = await register('not-a-token');
  assert.equal(wrong.status, 401);
  assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_token');
  assert.deepEqual((await api.get('/registration/clients')).body, { clients: [] });
});

test('a token with two uses registers two clients, then is refused; the label names who registered them', async () => {
  const made = await api.post('/registration/tokens', { label: 'CI pipeline', uses: 2 });
  assert.equal(made.status, 201);
  const token = made.body.token as string;
  assert.equal((await register(token, 'one')).status, 201);
  assert.equal((await register(token, 'two')).status, 201);
  assert.equal((await register(token, 'three')).status, 401);
  const listed = (await api.get('/registration/tokens')).body.tokens;
  assert.equal(JSON.stringify(listed).includes(token), false, 'the token is never listed');
  assert.equal(listed[0].usable, false);
  const clients = (await api.get('/registration/clients')).body.clients as { registered_by: string }[];
  assert.deepEqual(
    clients.map((c) => c.registered_by),
    ['initial access token: CI pipeline', 'initial access token: CI pipeline'],
  );
});

test('a revoked token is refused', async () => {
  const made = await api.post('/registration/tokens', { label: 'revoked soon' });
  assert.equal((await api.delete(`/registration/tokens/${made.body.id}`)).status, 204);
  assert.equal((await register(made.body.token)).status, 401);
});

test('an admin disables a registered client (it can no longer authorize) and deletes it', async () => {
  const made = await api.post('/registration/tokens', { label: 'admin test' });
  const client = (await (await register(made.body.token, 'to disable')).json()) as { client_id: string };
  const authorize = () =>
    fetch(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: 'https://app.example/cb', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
      { redirect: 'manual' },
    );
  assert.equal((await authorize()).status, 303, 'an enabled registered client is sent to the login');
  assert.equal(
    (await api.patch(`/registration/clients/${client.client_id}`, { disabled: true })).status,
    204,
  );
  assert.equal((await authorize()).status, 400, 'a disabled client is unknown at once on this node');
  assert.equal((await api.delete(`/registration/clients/${client.client_id}`)).status, 204);
  assert.equal((await api.delete(`/registration/clients/${client.client_id}`)).status, 404);
});

test('with registration off (the default) there is no endpoint and discovery does not name one', async () => {
  const off = await startServer({ listen: false });
  try {
    const res = await off.tessera.app.inject({ method: 'POST', url: PATH, payload: {} });
    assert.equal(res.statusCode, 404);
    const discovery = await off.tessera.app.inject(
      '/oauth/v2/oauth-anonymous/.well-known/openid-configuration',
    );
    assert.equal(discovery.json().registration_endpoint, undefined);
  } finally {
    await off.close();
  }
});
