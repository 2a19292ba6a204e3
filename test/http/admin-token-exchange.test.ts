// Admin API for token exchange (RFC 8693): a client's policy, trusted issuers, and the commit rules across them.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const ORDERS = 'https://orders.example/api';
const PARTNER = 'https://idp.partner.example';
const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const PARTNER_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'p1',
};

let server: TestServer;
let api: AdminApi;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
});
after(() => server.close());
beforeEach(async () => {
  await api.delete('/changes');
});

const policy = {
  subject_token_types: ['access_token', 'jwt'],
  audiences: [ORDERS],
  impersonation: true,
  trusted_issuers: [PARTNER],
};

const gateway = (overrides: Record<string, unknown> = {}) => ({
  client_id: 'gateway',
  capabilities: ['token_exchange'],
  scopes: ['orders:read'],
  token_exchange: policy,
  ...overrides,
});

async function seed(): Promise<void> {
  assert.equal((await api.post('/scopes', { name: 'orders:read' })).status, 201);
  assert.equal((await api.post('/apis', { identifier: ORDERS, scopes: ['orders:read'] })).status, 201);
  const issuer = await api.post('/trusted-issuers', {
    issuer: PARTNER,
    name: 'Partner',
    jwks: { keys: [PARTNER_KEY] },
  });
  assert.equal(issuer.status, 201, JSON.stringify(issuer.body));
}

const discovery = async () =>
  (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as {
    grant_types_supported: string[];
  };

describe('token exchange in the admin API', () => {
  test('a policy without the capability, or naming an unknown API or issuer, is refused with the field', async () => {
    const missingCapability = await api.post('/clients', gateway({ capabilities: ['client_credentials'] }));
    assert.equal(missingCapability.status, 400);
    assert.ok(missingCapability.body.issues.some((i: { path: string }) => i.path === 'token_exchange'));
    const neither = await api.post(
      '/clients',
      gateway({ token_exchange: { ...policy, impersonation: false } }),
    );
    assert.equal(neither.status, 400);
    assert.ok(neither.body.issues.some((i: { path: string }) => i.path === 'token_exchange.impersonation'));
    await api.delete('/changes');
    await api.post('/clients', gateway());
    const commit = await api.post('/changes/commit', { message: 'dangling references' });
    assert.equal(commit.status, 422);
    const messages = commit.body.issues.map((i: { message: string }) => i.message).join('\n');
    assert.match(messages, /no API with identifier/);
    assert.match(messages, /no trusted issuer/);
  });

  test('PATCH with token_exchange null removes the policy; a new policy replaces the old one whole', async () => {
    await seed();
    await api.post('/clients', gateway());
    const replaced = await api.patch('/clients/gateway', {
      token_exchange: { subject_token_types: ['access_token'], audiences: [ORDERS], impersonation: true },
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const removed = await api.patch('/clients/gateway', {
      capabilities: ['client_credentials'],
      token_exchange: null,
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const stored = await api.get('/clients/gateway');
    assert.equal(stored.status, 200);
    assert.equal(stored.body.token_exchange, undefined);
    assert.deepEqual(stored.body.capabilities, ['client_credentials']);
  });

  test('a trusted issuer with a private key is refused; deleting one a client trusts blocks the commit', async () => {
    const leaked = await api.post('/trusted-issuers', {
      issuer: 'https://leaky.example',
      jwks: { keys: [{ ...PARTNER_KEY, d: 'secret' }] },
    });
    assert.equal(leaked.status, 400);
    await seed();
    await api.post('/clients', gateway());
    const deleted = await api.delete(`/trusted-issuers/${encodeURIComponent(PARTNER)}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body.still_named_by, ['gateway']);
    const commit = await api.post('/changes/commit', { message: 'drop the partner' });
    assert.equal(commit.status, 422);
  });

  test('a client with a policy and a trusted issuer commit together; discovery then lists the grant', async () => {
    assert.ok(!(await discovery()).grant_types_supported.includes(TE), 'off before any client has it');
    await seed();
    const created = await api.post('/clients', gateway());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const listed = await api.get('/trusted-issuers');
    assert.deepEqual(listed.body.trusted_issuers[0].clients, ['gateway']);
    const commit = await api.post('/changes/commit', { message: 'token exchange for the gateway' });
    assert.equal(commit.status, 201, JSON.stringify(commit.body));
    assert.ok((await discovery()).grant_types_supported.includes(TE));
  });
});
