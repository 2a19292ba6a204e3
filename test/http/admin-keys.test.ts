// Master-key rotation through real servers on one database: committed clients (client_secret_basic and
// client_secret_jwt) authenticate before, during and after; the admin's Keys page re-encrypts (CSRF-protected);
// a node left with the old key alone refuses to start, naming what it cannot decrypt.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { SIGNING_ALGS } from '../../src/keys/algorithms.ts';
import { DATA_KEYS } from '../../src/keys/data-keys.ts';
import { fingerprintOf } from '../../src/keys/master-key.ts';
import { createTessera, type Tessera } from '../../src/main.ts';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { freePort, type TestServer } from '../fixtures/server.ts';
import { basic, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
const STORED = SIGNING_ALGS.length + Object.keys(DATA_KEYS).length;
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-master-key-'));
const configFile = join(dataDir, 'tessera.yaml');
writeFileSync(configFile, 'clients: []\n');
let port: number;
const secrets = { basic: '', jwt: '' };

/** A server on the shared data directory with these master keys, listening on the same port each time. */
async function boot(current: Buffer, previous?: Buffer): Promise<TestServer> {
  const url = `http://127.0.0.1:${port}`;
  const tessera: Tessera = await createTessera({
    overrides: { config: configFile, data: dataDir, port, host: '127.0.0.1', baseUrl: url },
    env: {
      TESSERA_MASTER_KEY: current.toString('base64url'),
      ...(previous ? { TESSERA_MASTER_KEY_PREVIOUS: previous.toString('base64url') } : {}),
    },
  });
  await tessera.app.listen({ port, host: '127.0.0.1' });
  return { tessera, url, issuer: tessera.endpoints.issuer, dataDir, close: () => tessera.close() };
}

async function token(server: TestServer, form: Record<string, string>, authorization?: string) {
  const res = await fetch(server.tessera.endpoints.token, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Both committed clients get a token: their stored hash and sealed secret still fit the keys. */
async function assertClientsAuthenticate(server: TestServer, when: string) {
  const viaBasic = await token(server, { grant_type: 'client_credentials' }, basic('machine', secrets.basic));
  assert.equal(viaBasic.status, 200, `${when}: client_secret_basic: ${JSON.stringify(viaBasic.body)}`);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('hs')
    .setSubject('hs')
    .setAudience(server.issuer)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(secrets.jwt));
  const viaJwt = await token(server, {
    grant_type: 'client_credentials',
    client_id: 'hs',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
  assert.equal(viaJwt.status, 200, `${when}: client_secret_jwt: ${JSON.stringify(viaJwt.body)}`);
}

async function loggedIn(server: TestServer): Promise<UserAgent> {
  const ua = new UserAgent();
  const done = await ua.submit(await ua.follow(`${server.url}/admin/login`), {
    username: 'alice',
    password: ADMIN_PASSWORD,
  });
  assert.match(done.body, /<h1>Profiles<\/h1>/);
  return ua;
}

before(async () => {
  port = await freePort();
  const server = await boot(OLD);
  try {
    await addAdmin(server);
    const api = adminApi(server, await apiToken(server));
    const machine = { capabilities: ['client_credentials'], scopes: ['openid'] };
    const a = await api.post('/clients', {
      ...machine,
      client_id: 'machine',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const b = await api.post('/clients', {
      ...machine,
      client_id: 'hs',
      token_endpoint_auth_method: 'client_secret_jwt',
      token_endpoint_auth_signing_alg: 'HS256',
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    secrets.basic = a.body.client_secret;
    secrets.jwt = b.body.client_secret;
    assert.equal((await api.post('/changes/commit', { message: 'two machine clients' })).status, 201);
    await assertClientsAuthenticate(server, 'under the old key');
  } finally {
    await server.close();
  }
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('the Keys page re-encrypts under the new key during the overlap, and committed clients authenticate throughout', async () => {
  const server = await boot(NEW, OLD);
  try {
    await assertClientsAuthenticate(server, 'during the overlap');
    assert.equal(
      (await fetch(`${server.url}/admin/keys`, { redirect: 'manual' })).status,
      303,
      'admins only',
    );
    const ua = await loggedIn(server);
    const page = await ua.follow(`${server.url}/admin/keys`);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`fingerprint <code>${fingerprintOf(NEW)}</code>`));
    assert.match(page.body, new RegExp(`fingerprint <code>${fingerprintOf(OLD)}</code>`));
    assert.match(
      page.body,
      new RegExp(`0 under the current key, ${STORED} under the previous one, 0 under a key`),
    );
    for (const alg of SIGNING_ALGS) assert.match(page.body, new RegExp(`<td>${alg}</td>`));

    const form = page.body.match(/<form method="post" action="([^"]*\/keys\/reencrypt)">[\s\S]*?<\/form>/);
    assert.ok(form, 'a re-encrypt button while keys are under the previous key');
    const forged = await ua.request(new URL(unescapeHtml(form[1]!), server.url).href, {
      method: 'POST',
      form: { _csrf: 'forged' },
    });
    assert.equal(forged.status, 403, 'a forged CSRF token changes nothing');
    assert.match(
      (await ua.follow(`${server.url}/admin/keys`)).body,
      new RegExp(`${STORED} under the previous one`),
    );

    const done = await ua.submit({ ...page, body: form[0] }, {});
    assert.equal(done.status, 200);
    assert.match(
      done.body,
      new RegExp(
        `Re-encrypted under the current master key: ${SIGNING_ALGS.length} signing keys and ${Object.keys(DATA_KEYS).length} data keys\\.`,
      ),
    );
    assert.match(done.body, new RegExp(`${STORED} under the current key, 0 under the previous one`));
    assert.match(done.body, /restart the nodes without <code>TESSERA_MASTER_KEY_PREVIOUS<\/code>/);
    assert.doesNotMatch(done.body, /keys\/reencrypt/, 'nothing left to re-encrypt');
    await assertClientsAuthenticate(server, 'after re-encryption, same process');
  } finally {
    await server.close();
  }
});

test('after the overlap the new key alone serves every committed client; the old key alone is refused at start, naming what', async () => {
  const server = await boot(NEW);
  try {
    await assertClientsAuthenticate(server, 'with the new key alone');
  } finally {
    await server.close();
  }
  await assert.rejects(boot(OLD), (error: Error) => {
    assert.match(
      error.message,
      new RegExp(
        `^signing key \\w+ kid=[\\w-]+, .* and ${Object.keys(DATA_KEYS).length} data keys \\(admin-setup, client-secret, cookie-signing, dpop-nonce, secret-sealing\\) are encrypted under a master key this node does not have \\(fingerprint ${fingerprintOf(NEW)}\\)\\. This node has TESSERA_MASTER_KEY \\(fingerprint ${fingerprintOf(OLD)}\\)\\.`,
      ),
    );
    return true;
  });
});
