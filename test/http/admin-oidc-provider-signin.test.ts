// A provider set up through the admin API (its secret sealed at once, committed only sealed) signs a person in
// through the real oidc-provider on loopback: the sealed secret opens at the upstream's token endpoint, and an
// update that gives no secret leaves the sign-in working.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { CALLBACK, findForm } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type RealUpstream, startRealUpstream, UPSTREAM_CLIENT } from '../fixtures/upstream-idp.ts';
import { type Response, UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
let real: RealUpstream;
let api: AdminApi;

before(async () => {
  const port = await freePort();
  real = await startRealUpstream({
    redirectUris: [`http://127.0.0.1:${port}/authn/callback/oidc/acme`],
    users: { jdoe: { password: 'jdoe at acme', claims: { sub: 'acme-0001', name: 'Jane Doe' } } },
  });
  server = await startServer({ port, config: { clients: [] } });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
});
after(async () => {
  await server?.close();
  await real?.close();
});

/** Follows redirects across Tessera and the upstream; stops at a page or at the client's callback. */
async function go(agent: UserAgent, url: string, init: { form?: Record<string, string> } = {}) {
  let response: Response = await agent.request(url, init);
  while (response.status >= 300 && response.status < 400) {
    const next = new URL(response.headers.get('location')!, response.url).href;
    if (next.startsWith(CALLBACK)) return { response, callback: new URL(next) };
    response = await agent.request(next);
  }
  return { response, callback: undefined };
}

async function signIn(): Promise<URL | undefined> {
  const agent = new UserAgent();
  const authorize = `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: 'www',
    redirect_uri: CALLBACK,
    scope: 'openid profile',
    state: 's',
  })}`;
  const login = (await go(agent, authorize)).response;
  assert.match(login.body, /Acme sign-in/, login.body.slice(0, 400));
  const form = findForm(login, /\/interaction\//);
  let back = await go(agent, form.action, { form: { username: 'jdoe', password: 'jdoe at acme' } });
  // A new identity: the choice page creates the account; a known one goes straight back.
  if (!back.callback) {
    const create = findForm(back.response, /\/create$/);
    back = await go(agent, create.action, { form: create.fields });
  }
  return back.callback;
}

test('a provider added through the admin API, its secret sealed, signs a person in through the real upstream', async () => {
  const created = await api.post('/authenticators', {
    id: 'acme',
    type: 'oidc',
    name: 'Acme',
    issuer: real.issuer,
    client_id: UPSTREAM_CLIENT.client_id,
    client_secret: UPSTREAM_CLIENT.client_secret,
    create_accounts: true,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const client = await api.post('/clients', {
    ...wwwClient,
    secret: WWW_SECRET,
    authenticator: 'acme',
  });
  assert.equal(client.status, 201, JSON.stringify(client.body));
  const commit = await api.post('/changes/commit', { message: 'sign in with Acme' });
  assert.equal(commit.status, 201, JSON.stringify(commit.body));
  const live = server.tessera.live().authenticators.get('acme');
  assert.ok(live?.type === 'oidc' && live.client_secret === undefined && live.client_secret_sealed);

  const first = await signIn();
  assert.ok(first, 'the sign-in reached the client');
  assert.ok(first.searchParams.get('code'));

  // Renamed without a new secret: the sealed one still opens at the upstream.
  assert.equal((await api.patch('/authenticators/acme', { name: 'Acme Corp' })).status, 200);
  assert.equal((await api.post('/changes/commit', { message: 'rename' })).status, 201);
  const second = await signIn();
  assert.ok(second?.searchParams.get('code'), 'still signs in after an update without a secret');
});
