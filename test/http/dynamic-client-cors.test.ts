// CORS at the token, revocation and introspection endpoints for registered (RFC 7591) and metadata-document clients.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { type DocumentServer, json, startDocumentServer } from '../fixtures/https-documents.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const INSPECTOR = 'https://inspector.example';
const OTHER = 'https://other-app.example';
let docs: DocumentServer;
let server: TestServer;
let inspectorId: string;
let otherId: string;
const documentId = () => `${docs.base}/agent.json`;

async function registerPublic(origin: string): Promise<string> {
  const res = await fetch(`${server.url}/oauth/v2/oauth-registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [`${origin}/cb`], token_endpoint_auth_method: 'none' }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { client_id: string }).client_id;
}

before(async () => {
  docs = await startDocumentServer();
  docs.routes.set('/agent.json', (res) =>
    json(
      res,
      { client_id: documentId(), client_name: 'Agent', redirect_uris: ['http://127.0.0.1:6274/cb'] },
      { 'cache-control': 'max-age=600' },
    ),
  );
  server = await startServer({
    config: {
      // The 0.x place of the policy: still read, as the top-level registration block.
      server: {
        registration: { enabled: true, access: 'open', rate_limit: 0 },
        client_id_metadata_documents: { enabled: true, deny_hosts: ['localhost'] },
        outbound: { timeout: 1, ca_files: [docs.caFile] },
      },
    },
  });
  inspectorId = await registerPublic(INSPECTOR);
  otherId = await registerPublic(OTHER);
});
after(async () => {
  await server?.close();
  await docs?.close();
});

const call = (path: string, origin: string, form: Record<string, string>) =>
  fetch(`${server.url}/oauth/v2/${path}`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
const preflight = (path: string, origin: string) =>
  fetch(`${server.url}/oauth/v2/${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, dpop',
    },
  });
const tokenForm = (clientId: string) => ({
  grant_type: 'authorization_code',
  code: 'not-a-code',
  redirect_uri: 'https://inspector.example/cb',
  code_verifier: 'x'.repeat(43),
  client_id: clientId,
});

describe('CORS for clients outside the committed config', () => {
  test('a preflight from any origin is answered with that origin, never * and never with credentials', async () => {
    for (const path of ['oauth-token', 'oauth-revoke', 'oauth-introspect']) {
      const res = await preflight(path, INSPECTOR);
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), INSPECTOR, path);
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /dpop/);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, path);
    }
  });

  test("the token answer is readable by the registered client's own origin, and only by it", async () => {
    const own = await call('oauth-token', INSPECTOR, tokenForm(inspectorId));
    assert.equal(own.status, 400, 'the made-up code is refused');
    assert.equal(own.headers.get('access-control-allow-origin'), INSPECTOR);
    assert.match(own.headers.get('vary') ?? '', /origin/i);
    assert.equal(own.headers.get('access-control-allow-credentials'), null);
    const foreign = await call('oauth-token', 'https://evil.example', tokenForm(inspectorId));
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const crossed = await call('oauth-token', OTHER, tokenForm(inspectorId));
    assert.equal(crossed.headers.get('access-control-allow-origin'), null, "another client's origin");
    const theirs = await call('oauth-token', OTHER, tokenForm(otherId));
    assert.equal(theirs.headers.get('access-control-allow-origin'), OTHER, 'each client its own origin');
  });

  test('revocation and introspection answer the registered origin as well', async () => {
    const revoked = await call('oauth-revoke', INSPECTOR, { token: 'nothing', client_id: inspectorId });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.headers.get('access-control-allow-origin'), INSPECTOR);
    const unknown = await call('oauth-revoke', INSPECTOR, { token: 'nothing', client_id: 'no-such-client' });
    assert.equal(unknown.headers.get('access-control-allow-origin'), null);
  });

  test("a metadata-document client's redirect origin may read the token answer", async () => {
    const own = await call('oauth-token', 'http://127.0.0.1:6274', tokenForm(documentId()));
    assert.equal(own.headers.get('access-control-allow-origin'), 'http://127.0.0.1:6274');
    const foreign = await call('oauth-token', INSPECTOR, tokenForm(documentId()));
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  test('with registration and documents off, an origin no committed client lists gets no preflight', async () => {
    const plain = await startServer({ config: { clients: [] } });
    try {
      await addAdmin(plain);
      const api = adminApi(plain, await apiToken(plain));
      const before = await fetch(`${plain.url}/oauth/v2/oauth-token`, {
        method: 'OPTIONS',
        headers: { origin: INSPECTOR, 'access-control-request-method': 'POST' },
      });
      assert.equal(before.headers.get('access-control-allow-origin'), null);
      // Turned on by a commit: the preflight follows the live policy without a restart.
      assert.equal((await api.patch('/registration/policy', { enabled: true })).status, 200);
      assert.equal((await api.post('/changes/commit', { message: 'registration on' })).status, 201);
      const after = await fetch(`${plain.url}/oauth/v2/oauth-token`, {
        method: 'OPTIONS',
        headers: { origin: INSPECTOR, 'access-control-request-method': 'POST' },
      });
      assert.equal(after.headers.get('access-control-allow-origin'), INSPECTOR);
    } finally {
      await plain.close();
    }
  });
});
