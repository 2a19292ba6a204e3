// Policies through the admin: the REST API creates TOTP authenticators and policies, a client names them, a
// commit refuses an invalid policy with its path and reason; the UI lists, creates and picks them.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type AdminApi, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

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

describe('admin API: policies', () => {
  test('a TOTP authenticator, a policy using it and a client naming it commit; discovery lists the acr', async () => {
    assert.equal(
      (await api.post('/authenticators', { id: 'app-codes', type: 'totp', issuer: 'Acme' })).status,
      201,
    );
    const created = await api.post('/policies', {
      id: 'mfa',
      name: 'Password and app code',
      steps: [['username-password'], ['app-codes']],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.acr_value, 'urn:tessera:policy:mfa');
    assert.equal(created.body.enrol, true);
    assert.equal(
      (await api.post('/clients', apiClient('bank', { authentication_policies: ['mfa'] }))).status,
      201,
    );
    const changed = await api.patch('/policies/mfa', { acr: 'urn:acme:mfa' });
    assert.equal(changed.body.acr_value, 'urn:acme:mfa');
    const commit = await api.post('/changes/commit', { message: 'MFA for the bank' });
    assert.equal(commit.status, 201, JSON.stringify(commit.body));
    const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as {
      acr_values_supported: string[];
    };
    assert.ok(meta.acr_values_supported.includes('urn:acme:mfa'));
    assert.deepEqual(
      (await api.get('/policies')).body.policies.map((p: { id: string }) => p.id),
      ['mfa'],
    );
  });

  test('a commit with TOTP as the first step is refused, naming the path and why', async () => {
    await api.post('/authenticators', { id: 'codes', type: 'totp' });
    assert.equal(
      (await api.post('/policies', { id: 'bad', steps: [['codes']] })).status,
      201,
      'a draft may be wrong',
    );
    const commit = await api.post('/changes/commit', { message: 'bad policy' });
    assert.equal(commit.status, 422, JSON.stringify(commit.body));
    const text = JSON.stringify(commit.body);
    assert.match(text, /policies\[bad\]\.steps\[0\]\[0\]/, 'the entry named by its id');
    assert.match(text, /second factor/);
  });

  test('an unknown policy on a client, and an unknown policy id to change, are refused', async () => {
    await api.post('/clients', apiClient('shop', { authentication_policies: ['nope'] }));
    const commit = await api.post('/changes/commit', { message: 'unknown policy' });
    assert.equal(commit.status, 422);
    assert.match(JSON.stringify(commit.body), /no policy with id \\"nope\\"/);
    assert.equal((await api.patch('/policies/nope', { enrol: false })).status, 404);
    assert.equal((await api.delete('/policies/nope')).status, 404);
  });
});
