// Admin REST API: the document, authentication, and every edit operation with its refusals.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
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
    // A redirect URI is needed with the Code Flow only: that rule spans fields, checked at the call.
    assert.deepEqual(schema.required, ['client_id']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.secret_hash, undefined, 'hashes are never accepted from the API');
    assert.equal(schema.properties.secret_sealed, undefined, 'nor sealed secrets');
    assert.deepEqual(schema.properties.capabilities.items.enum, [
      'code',
      'client_credentials',
      'token_exchange',
      'device_code',
    ]);
    assert.ok(schema.properties.token_endpoint_auth_method.enum.includes('private_key_jwt'));
    for (const field of ['jwks', 'jwks_uri', 'apis', 'profile', 'dpop_bound_access_tokens']) {
      assert.ok(schema.properties[field], `${field} is documented`);
    }
    assert.equal(doc.paths['/apis/{identifier}'].patch.operationId, 'updateApi');
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
    const bad = await api.patch('/clients/strict', { access_token_lifetime: 999_999, name: 7 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), [
      'access_token_lifetime',
      'name',
    ]);
    const noUri = await api.patch('/clients/strict', { redirect_uris: [] });
    assert.equal(noUri.status, 400);
    assert.deepEqual(noUri.body.issues, [
      { path: 'redirect_uris', message: 'a code-flow client needs at least one redirect URI' },
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

describe('APIs and machine clients', () => {
  const API = 'https://api.example.com';
  const path = `/apis/${encodeURIComponent(API)}`;
  const jwk = {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
    kid: 'svc-1',
  };
  const svc = {
    client_id: 'svc',
    capabilities: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks_uri: 'https://svc.example/jwks.json',
    token_endpoint_auth_signing_alg: 'ES256',
    scopes: ['orders.read'],
    apis: [API],
    dpop_bound_access_tokens: true,
  };

  test('an API round trip: create, read by its encoded identifier, list, change, and the refusals', async () => {
    await api.post('/scopes', { name: 'orders.read' });
    const created = await api.post('/apis', { identifier: API, name: 'Orders', scopes: ['orders.read'] });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, {
      identifier: API,
      name: 'Orders',
      scopes: ['orders.read'],
      access_token_format: 'jwt',
      access_token_lifetime: 300,
      clients: [],
    });
    assert.equal((await api.post('/apis', { identifier: API })).body.error, 'duplicate');
    const fragment = await api.post('/apis', { identifier: 'https://x.example/#a' });
    assert.equal(fragment.status, 400);
    assert.match(fragment.body.issues[0].message, /fragment \(RFC 8707 §2\)/);
    assert.equal((await api.get(path)).body.name, 'Orders');
    assert.equal((await api.get('/apis')).body.apis.length, 1);
    const changed = await api.patch(path, { access_token_format: 'opaque', name: null });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.access_token_format, 'opaque');
    assert.equal(changed.body.name, undefined, 'null unsets the name');
    assert.equal((await api.get(`/apis/${encodeURIComponent('https://nope.example')}`)).status, 404);
  });

  test('a Client Credentials client with private_key_jwt: no redirect URI, no secret; commit makes both live', async () => {
    await api.post('/scopes', { name: 'orders.read' });
    await api.post('/apis', { identifier: API, scopes: ['orders.read'] });
    const created = await api.post('/clients', svc);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.client_secret, undefined, 'a key-signing client gets no secret');
    assert.equal(created.body.client.has_secret, false);
    assert.deepEqual(created.body.client.redirect_uris, []);
    assert.deepEqual((await api.get(path)).body.clients, ['svc']);
    const pasted = await api.patch('/clients/svc', { jwks: { keys: [jwk] }, jwks_uri: null });
    assert.equal(pasted.status, 200, JSON.stringify(pasted.body));
    assert.deepEqual(pasted.body.client.jwks, { keys: [jwk] });
    const commit = await api.post('/changes/commit', { message: 'orders API and its client' });
    assert.equal(commit.status, 201, JSON.stringify(commit.body));
    const live = server.tessera.live();
    assert.ok(live.apis.has(API), 'the API is live');
    assert.deepEqual([...live.clients.get('svc')!.apis], [API]);
    const revision = await api.get(`/revisions/${commit.body.revision.id}`);
    assert.deepEqual(
      revision.body.changes.map((c: { kind: string; id: string }) => `${c.kind} ${c.id}`),
      ['scope orders.read', `api ${API}`, 'client svc'],
    );
  });

  test('client_secret_jwt: the secret comes back once and is kept sealed, never as a hash, never shown', async () => {
    const res = await api.post('/clients', {
      ...svc,
      client_id: 'hs',
      token_endpoint_auth_method: 'client_secret_jwt',
      jwks_uri: undefined,
      token_endpoint_auth_signing_alg: 'HS256',
      apis: [],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.client.secret_sealed, undefined, 'the sealed form is not shown either');
    const draft = await server.tessera.store.admin.drafts.get(
      `token:${(await server.tessera.store.admin.tokens.list())[0]!.id}`,
    );
    const stored = draft!.snapshot.clients.find((c) => c.client_id === 'hs')!;
    assert.equal(stored.secret_hash, undefined);
    assert.match(stored.secret_sealed ?? '', /^v1\./);
    assert.ok(!JSON.stringify(draft).includes(res.body.client_secret), 'no plaintext in the draft');
  });

  test('FAPI 2.0 on a client that breaks it is a 400 listing each rule; deleting an API a client uses blocks the commit', async () => {
    await api.post('/clients', apiClient('web'));
    const refused = await api.patch('/clients/web', {
      profile: 'fapi2',
      require_pushed_authorization_requests: false,
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.body.issues.map((i: { path: string }) => i.path),
      ['token_endpoint_auth_method', 'id_token_signed_response_alg', 'require_pushed_authorization_requests'],
    );
    assert.match(refused.body.issues[0].message, /^FAPI 2\.0 \(§5\.3\.2\.1\)/);
    await api.delete('/changes');
    const deleted = await api.delete(path);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body.still_named_by, ['svc']);
    const commit = await api.post('/changes/commit', { message: 'drop the API' });
    assert.equal(commit.status, 422);
    assert.deepEqual(commit.body.issues, [
      { path: 'clients[svc].apis[0]', message: `no API with identifier "${API}"` },
    ]);
  });
});
