// APIs in drafts, and how a client's credential is kept by its method: hashed, sealed (client_secret_jwt), or public keys.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { snapshotFromDocument } from '../../../src/admin/config-file.ts';
import { AdminError } from '../../../src/admin/errors.ts';
import type { Principal } from '../../../src/admin/principal.ts';
import { unsealSecret } from '../../../src/keys/sealed-secret.ts';
import { adminFixture, MASTER_KEY, secrets } from './helpers.ts';

const alice: Principal = { via: 'ui', username: 'alice' };
const API = 'https://api.example.com';
const issuesOf = (error: unknown) => {
  assert.ok(error instanceof AdminError, String(error));
  return error.issues;
};
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWKS = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] };

const machine = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  capabilities: ['client_credentials' as const],
  token_endpoint_auth_method: 'private_key_jwt' as const,
  jwks: JWKS,
  scopes: [],
  ...extra,
});

test('an API is created, changed (null unsets the name) and refused twice under one identifier', async () => {
  const { service } = adminFixture();
  await service.createScope(alice, { name: 'orders.read' });
  await service.createApi(alice, { identifier: API, name: 'Orders', scopes: ['orders.read'] });
  await assert.rejects(
    service.createApi(alice, { identifier: API }),
    (e) => issuesOf(e)[0]!.path === 'identifier',
  );
  await service.updateApi(alice, API, {
    access_token_format: 'opaque',
    name: null,
    access_token_lifetime: 600,
  });
  const [api] = (await service.draft(alice)).snapshot.apis;
  assert.deepEqual(api, {
    identifier: API,
    scopes: ['orders.read'],
    access_token_format: 'opaque',
    access_token_lifetime: 600,
  });
  await assert.rejects(service.updateApi(alice, 'https://nope.example', {}), (e) =>
    String(e).includes('no API'),
  );
  await assert.rejects(
    service.createApi(alice, { identifier: 'not a uri' }),
    (e) => issuesOf(e).length === 1,
  );
});

test('deleting an API a client still allows is kept in the draft, names the client, and the commit is refused', async () => {
  const { service } = adminFixture();
  await service.createApi(alice, { identifier: API });
  await service.createClient(alice, machine('svc', { apis: [API] }));
  await service.commit(alice, 'api and client');
  assert.deepEqual(await service.deleteApi(alice, API), ['svc']);
  const draft = await service.draft(alice);
  assert.deepEqual(draft.issues, [
    { path: 'clients[svc].apis[0]', message: `no API with identifier "${API}"` },
  ]);
  await assert.rejects(service.commit(alice, 'drop the api'), (e) => {
    assert.deepEqual(
      issuesOf(e).map((i) => i.path),
      ['clients[svc].apis[0]'],
    );
    return true;
  });
  await service.updateClient(alice, 'svc', { apis: [] });
  await service.commit(alice, 'drop the api, and the client no longer uses it');
});

test('private_key_jwt keeps the public keys and no secret; a private key pasted by mistake is refused', async () => {
  const { service } = adminFixture();
  const created = await service.createClient(alice, machine('svc'));
  assert.equal(created.secret, undefined, 'no secret is generated');
  assert.equal(created.client.has_secret, false);
  await assert.rejects(
    service.createClient(alice, machine('bad', { jwks: { keys: [privateKey.export({ format: 'jwk' })] } })),
    (e) => /private or symmetric key/.test(issuesOf(e)[0]!.message),
  );
  await assert.rejects(service.resetSecret(alice, 'svc'), (e) => /private key has no secret/.test(String(e)));
  await assert.rejects(
    service.createClient(alice, machine('both', { jwks_uri: 'https://svc.example/jwks' })),
    (e) => /exactly one/.test(issuesOf(e)[0]!.message),
  );
});

test('client_secret_jwt keeps its secret sealed under the master key, never hashed; switching methods fits the secret', async () => {
  const fx = adminFixture();
  const created = await fx.service.createClient(
    alice,
    machine('hs', { token_endpoint_auth_method: 'client_secret_jwt', jwks: undefined }),
  );
  const stored = (await fx.service.draft(alice)).snapshot.clients[0]!;
  assert.equal(stored.secret_hash, undefined);
  assert.equal(
    unsealSecret(MASTER_KEY, stored.secret_sealed!),
    created.secret,
    'the sealed secret is the one shown',
  );
  // To a hashed method: a new secret (the sealed one is dropped, not decrypted into a hash).
  const basic = await fx.service.updateClient(alice, 'hs', {
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const now = (await fx.service.draft(alice)).snapshot.clients[0]!;
  assert.equal(now.secret_sealed, undefined);
  assert.equal(now.secret_hash, secrets.hash(basic.secret!));
  // To private_key_jwt: the secret goes, the keys come.
  const signed = await fx.service.updateClient(alice, 'hs', {
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: JWKS,
  });
  assert.equal(signed.secret, undefined);
  assert.equal(signed.client.has_secret, false);
  // Away from private_key_jwt: the keys and the assertion algorithm go.
  await fx.service.updateClient(alice, 'hs', { token_endpoint_auth_signing_alg: 'ES256' });
  const back = await fx.service.updateClient(alice, 'hs', {
    token_endpoint_auth_method: 'client_secret_post',
  });
  assert.equal(back.client.jwks, undefined);
  assert.equal(back.client.token_endpoint_auth_signing_alg, undefined);
  assert.match(back.secret ?? '', /^tok/);
});

test('an entered client_secret_jwt secret is sealed at import and at commit, never kept in plaintext', async () => {
  const fx = adminFixture();
  const secret = 'Zq8fT3nW0pLx7VbR2kYcH5mJ9sDgA4eU6iOqN1tBzXw';
  const reset = await fx.service.createClient(
    alice,
    machine('hs', { token_endpoint_auth_method: 'client_secret_jwt', jwks: undefined, secret }),
  );
  assert.equal(reset.secret, undefined, 'an entered secret is not echoed');
  const draft = JSON.stringify((await fx.service.draft(alice)).snapshot);
  assert.ok(!draft.includes(secret), 'the draft holds no plaintext');
  const imported = snapshotFromDocument(
    {
      clients: [
        { ...machine('file', { token_endpoint_auth_method: 'client_secret_jwt', jwks: undefined }), secret },
      ],
    },
    fx.deps,
  );
  const client = imported.clients[0]!;
  assert.equal(client.secret, undefined);
  assert.equal(unsealSecret(MASTER_KEY, client.secret_sealed!), secret);
});

test('FAPI 2.0 on a client that breaks it is refused, listing every rule it breaks', async () => {
  const { service } = adminFixture();
  await service.createClient(alice, { client_id: 'web', redirect_uris: ['https://app.example/cb'] });
  await assert.rejects(
    service.updateClient(alice, 'web', { profile: 'fapi2', dpop_bound_access_tokens: false }),
    (e) => {
      assert.deepEqual(
        issuesOf(e).map((i) => i.path),
        ['token_endpoint_auth_method', 'id_token_signed_response_alg', 'dpop_bound_access_tokens'],
      );
      return true;
    },
  );
  await service.updateClient(alice, 'web', {
    profile: 'fapi2',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: JWKS,
    id_token_signed_response_alg: 'ES256',
  });
  const unset = await service.updateClient(alice, 'web', {
    profile: null,
    token_endpoint_auth_method: 'client_secret_basic',
  });
  assert.equal(unset.client.profile, undefined, 'null unsets the profile');
});
