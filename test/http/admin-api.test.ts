// Admin REST API: the document, authentication, and every edit operation with its refusals.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { OPERATIONS } from '../../src/http/admin-api/index.ts';
import { jsonSchema } from '../../src/http/admin-api/openapi.ts';
import { type AdminApi, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';

let server: TestServer;
let api: AdminApi;
let token: string;
before(async () => {
  // No client in the file: everything here comes from the admin API.
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
  token = await apiToken(server);
  api = adminApi(server, token);
});
after(() => server.close());
beforeEach(async () => {
  await api.delete('/changes');
});

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1, served without a token, and describes every operation with its request schemas', async () => {
    const res = await fetch(`${server.url}/admin/api/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>>;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.components.securitySchemes['bearerAuth']?.scheme, 'bearer');
    for (const op of OPERATIONS) {
      const described = doc.paths[op.path]?.[op.method.toLowerCase()];
      assert.ok(described, `${op.method} ${op.path} is documented`);
      assert.equal(described.operationId, op.operationId);
      // The request is validated by the very schema the document shows.
      if (op.body) {
        assert.deepEqual(
          (described.requestBody as { content: Record<string, { schema: unknown }> }).content[
            'application/json'
          ]?.schema,
          jsonSchema(op.body, 'input'),
        );
      }
    }
  });

  test('the documented client schema carries the redirect URI and secret rules as far as JSON Schema can', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document, read freely
    const doc: any = await (await fetch(`${server.url}/admin/api/openapi.json`)).json();
    const schema = doc.paths['/clients'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['client_id', 'redirect_uris']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.secret_hash, undefined, 'hashes are never accepted from the API');
  });
});

describe('authentication', () => {
  test('no token, a malformed header, an unknown token and a revoked token all get 401 with a Bearer challenge', async () => {
    const revoked = await apiToken(server, 'alice', 'to revoke');
    const id = (await server.tessera.store.admin.tokens.list()).find((t) => t.name === 'to revoke')!.id;
    await server.tessera.store.admin.tokens.revoke(id, 1);
    for (const presented of [undefined, 'tsr_unknown-token', revoked]) {
      const res = await adminApi(server, presented).get('/clients');
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
    }
    const basic = await fetch(`${server.url}/admin/api/clients`, {
      headers: { authorization: 'Basic YTpi' },
    });
    assert.equal(basic.status, 401);
  });

  test('an admin UI session cookie is not an API credential', async () => {
    const res = await fetch(`${server.url}/admin/api/clients`, {
      headers: { cookie: 'tessera_admin=anything' },
    });
    assert.equal(res.status, 401);
  });

  test('an unknown operation answers JSON 404', async () => {
    const res = await api.get('/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'not_found');
  });
});

describe('profiles', () => {
  test('GET /profiles lists the Token Service and Authentication Service endpoints', async () => {
    const res = await api.get('/profiles');
    assert.equal(res.status, 200);
    assert.equal(res.body.token_service.issuer, server.issuer);
    assert.equal(res.body.token_service.endpoints.token, `${server.url}/oauth/v2/oauth-token`);
    assert.equal(res.body.authentication_service.authenticators[0].id, 'username-password');
  });
});

describe('clients', () => {
  test('POST /clients creates a client in the draft and returns a generated 256-bit secret once', async () => {
    const res = await api.post('/clients', apiClient('www'));
    assert.equal(res.status, 201);
    assert.match(res.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.client.has_secret, true);
    assert.equal(res.body.client.secret_hash, undefined, 'the hash is never shown');
    const read = await api.get('/clients/www');
    assert.equal(read.status, 200);
    assert.equal(read.body.client_secret, undefined);
    assert.equal(read.body.secret_hash, undefined);
    // A draft is not live.
    assert.equal(server.tessera.live().clients.has('www'), false);
  });

  test('POST /clients with an entered secret keeps only its keyed hash and does not echo it', async () => {
    const res = await api.post('/clients', apiClient('www', { secret: WWW_SECRET }));
    assert.equal(res.status, 201);
    assert.equal(res.body.client_secret, undefined);
    const draft = await server.tessera.store.admin.drafts.get(
      `token:${(await server.tessera.store.admin.tokens.list())[0]!.id}`,
    );
    const stored = draft!.snapshot.clients.find((c) => c.client_id === 'www')!;
    assert.equal(stored.secret, undefined);
    assert.match(stored.secret_hash!, /^hmac-sha256:/);
    assert.ok(!JSON.stringify(draft).includes(WWW_SECRET), 'the plaintext is nowhere in the draft');
  });

  test('a bad client is refused with every wrong field listed: redirect URIs, scope, lifetime, unknown key', async () => {
    const res = await api.post('/clients', {
      client_id: 'bad',
      redirect_uris: ['https://app.example/cb#frag', 'http://app.example/cb', '/relative', 'myapp:/cb'],
      scopes: ['has space'],
      access_token_lifetime: 0,
      colour: 'blue',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
    const paths = res.body.issues.map((i: { path: string }) => i.path);
    for (const path of [
      'redirect_uris[0]',
      'redirect_uris[1]',
      'redirect_uris[2]',
      'redirect_uris[3]',
      'scopes[0]',
      'access_token_lifetime',
    ]) {
      assert.ok(paths.includes(path), `${path} is listed in ${JSON.stringify(paths)}`);
    }
    assert.ok(
      res.body.issues.some((i: { message: string }) => /colour/.test(i.message)),
      'the unknown key is named',
    );
    assert.match(
      res.body.issues.find((i: { path: string }) => i.path === 'redirect_uris[0]').message,
      /fragment/,
    );
    assert.match(
      res.body.issues.find((i: { path: string }) => i.path === 'redirect_uris[1]').message,
      /https/,
    );
    assert.equal((await api.get('/clients/bad')).status, 404, 'nothing was stored');
  });

  test('a weak entered secret and a hash sent by the caller are refused', async () => {
    const weak = await api.post('/clients', apiClient('weak', { secret: 'secret' }));
    assert.equal(weak.status, 400);
    assert.deepEqual(
      weak.body.issues.map((i: { path: string }) => i.path),
      ['secret'],
    );
    const hashed = await api.post('/clients', apiClient('hashed', { secret_hash: 'hmac-sha256:x' }));
    assert.equal(hashed.status, 400);
  });

  test('a duplicate client id is refused with 409, in the draft and against the live configuration', async () => {
    const first = await api.post('/clients', apiClient('dup'));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await api.post('/clients', apiClient('dup'));
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'duplicate');
    assert.equal(again.body.issues[0].path, 'client_id');
    await api.post('/changes/commit', { message: 'add dup' });
    const afterCommit = await api.post('/clients', apiClient('dup'));
    assert.equal(afterCommit.status, 409);
  });

  test('GET /clients lists the draft and searches by id, name and redirect URI', async () => {
    await api.post('/clients', apiClient('alpha', { name: 'Intranet' }));
    await api.post('/clients', apiClient('beta', { redirect_uris: ['https://shop.example/cb'] }));
    const ids = async (q: string) =>
      (await api.get(`/clients${q}`)).body.clients.map((c: { client_id: string }) => c.client_id).sort();
    assert.ok((await ids('')).includes('alpha'), 'the unfiltered list has alpha');
    assert.deepEqual(await ids('?q=intra'), ['alpha']);
    assert.deepEqual(await ids('?q=SHOP.example'), ['beta']);
    assert.deepEqual(await ids('?q=nothing'), []);
  });

  test('PATCH changes only the fields given: refresh tokens off, lifetimes, ID-token algorithm', async () => {
    await api.post('/clients', apiClient('patchy', { access_token_lifetime: 900 }));
    const res = await api.patch('/clients/patchy', {
      refresh_token: { enabled: false },
      id_token_signed_response_alg: 'ES256',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.client.refresh_token.enabled, false);
    assert.equal(res.body.client.refresh_token.lifetime, 86_400, 'the other refresh fields are kept');
    assert.equal(
      res.body.client.access_token_lifetime,
      900,
      'a field not sent keeps its value, not the default',
    );
    assert.equal(res.body.client.id_token_signed_response_alg, 'ES256');
    assert.equal(res.body.client.has_secret, true, 'the secret is kept');
  });

  test('PATCH refusals: a bad value lists the field, an unknown client is 404, client_id and secret cannot be patched', async () => {
    await api.post('/clients', apiClient('strict'));
    const bad = await api.patch('/clients/strict', { access_token_lifetime: 999_999, redirect_uris: [] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), [
      'access_token_lifetime',
      'redirect_uris',
    ]);
    assert.equal((await api.patch('/clients/nobody', { name: 'x' })).status, 404);
    assert.equal((await api.patch('/clients/strict', { client_id: 'other' })).status, 400);
    assert.equal((await api.patch('/clients/strict', { secret: WWW_SECRET })).status, 400);
  });

  test('turning a client public drops its secret; turning it confidential again generates one', async () => {
    await api.post('/clients', apiClient('spa'));
    const pub = await api.patch('/clients/spa', { token_endpoint_auth_method: 'none' });
    assert.equal(pub.body.client.has_secret, false);
    const conf = await api.patch('/clients/spa', { token_endpoint_auth_method: 'client_secret_post' });
    assert.equal(conf.status, 200);
    assert.match(conf.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
  });

  test('POST /clients/{id}/secret resets the secret: generated, entered, refused for weak secrets and public clients', async () => {
    await api.post('/clients', apiClient('resettable'));
    const generated = await api.post('/clients/resettable/secret', {});
    assert.equal(generated.status, 200);
    assert.match(generated.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
    const entered = await api.post('/clients/resettable/secret', { secret: WWW_SECRET });
    assert.equal(entered.status, 200);
    assert.equal((await api.post('/clients/resettable/secret', { secret: 'short' })).status, 400);
    assert.equal((await api.post('/clients/nobody/secret', {})).status, 404);
    await api.post('/clients', apiClient('public', { token_endpoint_auth_method: 'none' }));
    const pub = await api.post('/clients/public/secret', {});
    assert.equal(pub.status, 400);
    assert.equal(pub.body.issues[0].path, 'secret');
  });

  test('DELETE /clients/{id} removes it from the draft; an unknown one is 404', async () => {
    await api.post('/clients', apiClient('gone'));
    assert.equal((await api.delete('/clients/gone')).status, 204);
    assert.equal((await api.get('/clients/gone')).status, 404);
    assert.equal((await api.delete('/clients/gone')).status, 404);
  });

  test('a client id with reserved URL characters round-trips through the path', async () => {
    const id = 'svc:reports/1 +%&=?';
    assert.equal((await api.post('/clients', apiClient(id))).status, 201);
    const read = await api.get(`/clients/${encodeURIComponent(id)}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.client_id, id);
  });
});

describe('scopes', () => {
  test('GET /scopes lists the built-in OIDC scopes, marked built in', async () => {
    const res = await api.get('/scopes');
    const openid = res.body.scopes.find((s: { name: string }) => s.name === 'openid');
    assert.equal(openid.built_in, true);
    assert.ok(
      res.body.scopes.find((s: { name: string }) => s.name === 'email').claims.includes('email'),
      'email releases the email claim',
    );
  });

  test('create, change and delete a scope in the draft', async () => {
    const created = await api.post('/scopes', {
      name: 'calendar.read',
      description: 'Read',
      claims: ['cal'],
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, {
      name: 'calendar.read',
      description: 'Read',
      claims: ['cal'],
      built_in: false,
    });
    const changed = await api.patch('/scopes/calendar.read', { claims: ['cal', 'tz'] });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.claims, ['cal', 'tz']);
    assert.equal(changed.body.description, 'Read');
    assert.equal((await api.delete('/scopes/calendar.read')).status, 204);
    assert.equal((await api.delete('/scopes/calendar.read')).status, 404);
  });

  test('refusals: a duplicate, a built-in name, an invalid token, an unknown scope', async () => {
    await api.post('/scopes', { name: 'reports' });
    assert.equal((await api.post('/scopes', { name: 'reports' })).status, 409);
    const builtIn = await api.post('/scopes', { name: 'openid' });
    assert.equal(builtIn.status, 400);
    assert.equal(builtIn.body.issues[0].path, 'name');
    assert.equal((await api.patch('/scopes/email', { claims: [] })).status, 400);
    const bad = await api.post('/scopes', { name: 'a b', claims: 'x' });
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), ['claims', 'name']);
    assert.equal((await api.patch('/scopes/nope', { claims: [] })).status, 404);
  });
});

describe('authenticators', () => {
  test('list, create, turn registration off, delete', async () => {
    const listed = await api.get('/authenticators');
    assert.deepEqual(listed.body.authenticators, [
      { id: 'username-password', type: 'html-form', registration: true },
    ]);
    const created = await api.post('/authenticators', { id: 'staff', registration: false });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { id: 'staff', type: 'html-form', registration: false });
    const changed = await api.patch('/authenticators/staff', { registration: true });
    assert.equal(changed.body.registration, true);
    assert.equal((await api.delete('/authenticators/staff')).status, 204);
  });

  test('refusals: a duplicate id, a bad id, an unknown type, an unknown authenticator', async () => {
    assert.equal((await api.post('/authenticators', { id: 'username-password' })).status, 409);
    const bad = await api.post('/authenticators', { id: 'Bad Id', type: 'saml' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), ['id', 'type']);
    assert.equal((await api.patch('/authenticators/nope', { registration: false })).status, 404);
    assert.equal((await api.delete('/authenticators/nope')).status, 404);
  });
});
