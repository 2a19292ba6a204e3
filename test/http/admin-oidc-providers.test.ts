// Another provider (oidc authenticator) through the admin API and pages: the secret is write-only (never in any
// answer, page, diff, revision or stored row), kept when an update gives none; "Check provider" reads a real
// discovery document on loopback and says found / unreachable / another issuer; refusals sit next to their fields.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ADMIN_PASSWORD, type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { findForm } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const SECRET = 'upstream-Secret-7Hq2Zk9Wm4Xc1Vb8Nr3Lp6Yd';
const NEW_SECRET = 'upstream-Other-Secret-1Aa2Bb3Cc4Dd5Ee6Ff';

let server: TestServer;
let api: AdminApi;
let upstream: Server;
let upstreamIssuer: string;

/** A provider's discovery document on loopback; /other names another issuer than the one it is fetched for. */
async function startUpstream(): Promise<void> {
  const port = await freePort();
  upstreamIssuer = `http://127.0.0.1:${port}`;
  upstream = createServer((req, res) => {
    const issuer = req.url?.startsWith('/other') ? 'https://someone-else.example' : upstreamIssuer;
    const path = req.url?.startsWith('/other') ? '/other' : '';
    if (!req.url?.endsWith('/.well-known/openid-configuration')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        issuer,
        authorization_endpoint: `${upstreamIssuer}${path}/authorize`,
        token_endpoint: `${upstreamIssuer}${path}/token`,
        jwks_uri: `${upstreamIssuer}${path}/jwks`,
        response_types_supported: ['code'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      }),
    );
  });
  await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
}

before(async () => {
  await startUpstream();
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
});
after(async () => {
  await server.close();
  await new Promise((resolve) => upstream.close(resolve));
});
beforeEach(async () => {
  await api.delete('/changes');
});

const provider = (extra: Record<string, unknown> = {}) => ({
  id: 'acme',
  type: 'oidc',
  name: 'Acme',
  issuer: 'https://login.acme.example',
  client_id: 'tessera-at-acme',
  client_secret: SECRET,
  ...extra,
});

/** Every stored draft and revision row, as the SQLite file holds them. */
function storedRows(): string {
  const db = new Database(join(server.dataDir, 'tessera.db'), { readonly: true });
  try {
    const drafts = db.prepare('SELECT snapshot FROM admin_drafts').all() as { snapshot: string }[];
    const revisions = db.prepare('SELECT snapshot FROM config_revisions').all() as { snapshot: string }[];
    return [...drafts, ...revisions].map((r) => r.snapshot).join('\n');
  } finally {
    db.close();
  }
}

/** One authenticator of an owner's stored draft, read from the SQLite row. */
function draftEntry(owner: string, id: string): Record<string, unknown> {
  const db = new Database(join(server.dataDir, 'tessera.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT snapshot FROM admin_drafts WHERE owner = ?').get(owner) as {
      snapshot: string;
    };
    const entries = JSON.parse(row.snapshot).authenticators as Record<string, unknown>[];
    return entries.find((a) => a['id'] === id)!;
  } finally {
    db.close();
  }
}

async function adminUi(): Promise<UserAgent> {
  const ua = new UserAgent();
  const done = await ua.submit(await ua.follow(`${server.url}/admin/login`), {
    username: 'alice',
    password: ADMIN_PASSWORD,
  });
  assert.equal(done.status, 200, done.body.slice(0, 200));
  return ua;
}

describe('admin API: oidc authenticators', () => {
  test('the secret is write-only: create, list, update, changes, commit, revision and profiles never show it, nor does the stored row', async () => {
    const created = await api.post('/authenticators', provider({ scopes: ['profile'] }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.has_client_secret, true);
    assert.deepEqual(created.body.scopes, ['openid', 'profile'], 'openid added');
    const answers = [JSON.stringify(created.body)];
    answers.push(JSON.stringify((await api.get('/authenticators')).body));
    const renamed = await api.patch('/authenticators/acme', { name: 'Acme Corp' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.has_client_secret, true, 'kept without a new one');
    answers.push(JSON.stringify(renamed.body));
    answers.push(JSON.stringify((await api.get('/changes')).body));
    assert.doesNotMatch(storedRows(), new RegExp(SECRET), 'the draft row holds no plaintext');
    const commit = await api.post('/changes/commit', { message: 'add acme' });
    assert.equal(commit.status, 201, JSON.stringify(commit.body));
    answers.push(JSON.stringify((await api.get(`/revisions/${commit.body.id}`)).body));
    answers.push(JSON.stringify((await api.get('/profiles')).body));
    for (const answer of answers) {
      assert.doesNotMatch(answer, new RegExp(SECRET));
      assert.doesNotMatch(answer, /"client_secret"|client_secret_sealed/);
    }
    const rows = storedRows();
    assert.doesNotMatch(rows, new RegExp(SECRET));
    assert.match(rows, /"client_secret_sealed":"v1\./, 'the revision holds the sealed form');
    const live = server.tessera.live().authenticators.get('acme');
    assert.equal(live?.type === 'oidc' && server.tessera.live() && live.client_secret, undefined);
    // A new secret replaces the sealed one; the diff says so without either value.
    const replaced = await api.patch('/authenticators/acme', { client_secret: NEW_SECRET });
    assert.equal(replaced.status, 200);
    const diff = JSON.stringify((await api.get('/changes')).body);
    assert.match(diff, /\(a new secret\)/);
    assert.doesNotMatch(diff + storedRows(), new RegExp(`${SECRET}|${NEW_SECRET}`));
    assert.equal((await api.delete('/authenticators/acme')).status, 204);
  });

  test('refusals name the field: http issuer, missing secret, sub mapping, a sealed value given', async () => {
    const bad = await api.post(
      '/authenticators',
      provider({ id: 'beta', issuer: 'http://login.acme.example', claims: { sub: 'oid' } }),
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.issues.map((i: { path: string }) => i.path),
      ['issuer', 'claims.sub'],
    );
    const { client_secret: _, ...noSecret } = provider({ id: 'beta' });
    const missing = await api.post('/authenticators', noSecret);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.issues[0].path, 'client_secret');
    const sealed = await api.post('/authenticators', { ...noSecret, client_secret_sealed: 'v1.a.b.c.d' });
    assert.equal(sealed.status, 400);
    assert.equal(sealed.body.issues[0].path, 'client_secret_sealed');
  });

  test('check-provider: found, another issuer, unreachable, and a guard refusal for a link-local address', async () => {
    const found = await api.post('/authenticators/check-provider', {
      issuer: upstreamIssuer,
      token_endpoint_auth_method: 'client_secret_basic',
    });
    assert.equal(found.status, 200);
    assert.equal(found.body.ok, true);
    assert.equal(found.body.authorizationEndpoint, `${upstreamIssuer}/authorize`);
    assert.match(found.body.notes.join(' '), /does not accept the client authentication chosen here/);
    const other = await api.post('/authenticators/check-provider', { issuer: `${upstreamIssuer}/other` });
    assert.equal(other.body.problem, 'issuer_mismatch');
    assert.match(other.body.message, /calls itself "https:\/\/someone-else\.example"/);
    const port = await freePort();
    const gone = await api.post('/authenticators/check-provider', { issuer: `http://127.0.0.1:${port}` });
    assert.equal(gone.body.problem, 'unreachable');
    assert.match(gone.body.message, /Could not reach the provider at .*: the connection failed/);
    const metadata = await api.post('/authenticators/check-provider', { issuer: 'https://169.254.169.254' });
    assert.equal(metadata.body.problem, 'unreachable');
    assert.match(metadata.body.message, /link-local/);
    const notHttps = await api.post('/authenticators/check-provider', {
      issuer: 'http://login.acme.example',
    });
    assert.equal(notHttps.body.problem, 'invalid_issuer');
  });
});

describe('admin pages: sign-in providers', () => {
  test('the form adds a provider; errors sit by their fields; the secret is never sent back; edit keeps or replaces it', async () => {
    const ua = await adminUi();
    const list = await ua.request(`${server.url}/admin/authenticators`);
    assert.match(list.body, /href="\/admin\/providers">Add a provider \(OpenID Connect\)</);
    const page = await ua.request(`${server.url}/admin/providers`);
    assert.equal(page.status, 200);
    for (const label of [
      'Identifier',
      'Name on the button',
      'Issuer URL',
      'Client ID',
      'Client secret',
      'Scopes to ask the provider for',
      'Create accounts for new users',
      'Full name',
      'Trust the provider’s sign-in method (acr/amr)',
    ])
      assert.match(
        page.body,
        new RegExp(`<label[^>]*>(<input[^>]*> )?${label.replace(/[()]/g, '\\$&')}</label>`),
        label,
      );
    assert.match(page.body, /<input id="f-client_secret" name="client_secret" type="password" value=""/);
    const form = findForm(page, /\/admin\/providers$/);
    const fields = {
      ...form.fields,
      id: 'gamma',
      name: 'Acme',
      issuer: 'http://login.acme.example',
      client_id: 'tessera',
      client_secret: SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      scopes: 'profile email',
      claim_name: 'displayName',
      claim_email: 'mail',
      action: 'save',
    };
    const refused = await ua.request(form.action, { form: fields });
    assert.equal(refused.status, 400);
    assert.match(
      refused.body,
      /<p class="field-error" id="err-issuer">must use https \(http only for a provider on this machine, in development\)<\/p>\s*<div class="row">\s*<input id="f-issuer"[^>]*aria-invalid="true"/,
    );
    assert.match(refused.body, /<a href="#f-issuer">Issuer URL<\/a>: must use https/);
    assert.doesNotMatch(refused.body, new RegExp(SECRET), 'the typed secret is not sent back');
    assert.match(refused.body, /type it again/);
    const saved = await ua.request(form.action, {
      form: { ...fields, issuer: 'https://login.acme.example' },
    });
    assert.equal(saved.status, 303, saved.body.slice(0, 500));
    assert.equal(saved.headers.get('location'), '/admin/providers/gamma?saved=1');
    const edit = await ua.request(`${server.url}/admin/providers/gamma?saved=1`);
    assert.match(edit.body, /Saved to your draft/);
    assert.match(
      edit.body,
      new RegExp(`<code id="redirect-uri"[^>]*>${server.url}/authn/callback/oidc/gamma</code>`),
    );
    assert.match(edit.body, /Leave empty to keep the current secret/);
    assert.match(edit.body, /id="f-claim_name" name="claim_name" value="displayName"/);
    assert.match(edit.body, /id="f-scopes" name="scopes" value="openid profile email"/);
    assert.doesNotMatch(
      edit.body + (await ua.request(`${server.url}/admin/changes`)).body,
      new RegExp(SECRET),
    );
    const listed = await ua.request(`${server.url}/admin/authenticators`);
    assert.match(listed.body, /<code>gamma<\/code> <span class="muted">Sign in with Acme: another provider/);
    assert.match(listed.body, /set \(never shown\)/);
    // Pickers name it in words: the policies' first step, the clients' user authentication.
    assert.match(
      (await ua.request(`${server.url}/admin/policies`)).body,
      /name="step1" value="gamma"> <code>gamma<\/code> \(sign in with Acme\)/,
    );
    assert.doesNotMatch(listed.body, new RegExp(SECRET));

    // Saved again with the secret left empty: the sealed one stays.
    const sealedBefore = draftEntry('admin:alice', 'gamma')['client_secret_sealed'];
    assert.match(String(sealedBefore), /^v1\./);
    const again = findForm(edit, /\/admin\/providers\/gamma$/);
    const kept = await ua.request(again.action, {
      form: {
        ...again.fields,
        ...fields,
        id: '',
        issuer: 'https://login.acme.example',
        client_secret: '',
        name: 'Acme Corp',
      },
    });
    assert.equal(kept.status, 303, kept.body.slice(0, 500));
    const renamed = draftEntry('admin:alice', 'gamma');
    assert.equal(renamed['name'], 'Acme Corp');
    assert.equal(
      renamed['client_secret_sealed'],
      sealedBefore,
      'an empty secret field keeps the sealed secret',
    );
    const replaced = await ua.request(again.action, {
      form: {
        ...again.fields,
        ...fields,
        id: '',
        issuer: 'https://login.acme.example',
        client_secret: NEW_SECRET,
      },
    });
    assert.equal(replaced.status, 303);
    assert.notEqual(
      draftEntry('admin:alice', 'gamma')['client_secret_sealed'],
      sealedBefore,
      'a new secret replaces it',
    );
    assert.doesNotMatch(storedRows(), new RegExp(`${SECRET}|${NEW_SECRET}`));
  });

  test('Check provider without the script: the page comes back with the finding by the issuer field; with it, JSON', async () => {
    const ua = await adminUi();
    const page = await ua.request(`${server.url}/admin/providers`);
    const form = findForm(page, /\/admin\/providers$/);
    const checked = await ua.request(form.action, {
      form: { ...form.fields, issuer: upstreamIssuer, action: 'check', client_secret: SECRET, name: 'Local' },
    });
    assert.equal(checked.status, 200);
    assert.match(
      checked.body,
      new RegExp(
        `<strong>Found it\\.</strong> Found the provider: people will sign in at ${upstreamIssuer}/authorize\\.`,
      ),
    );
    assert.match(checked.body, /id="f-name" name="name" value="Local"/, 'what was typed stays');
    assert.doesNotMatch(checked.body, new RegExp(SECRET));
    const cookie = [...ua.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const json = await fetch(form.action, {
      method: 'POST',
      headers: { cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, issuer: `${upstreamIssuer}/other`, action: 'check' }),
    });
    assert.equal(json.status, 200);
    const result = (await json.json()) as { problem?: string };
    assert.equal(result.problem, 'issuer_mismatch');
    const noCsrf = await fetch(form.action, {
      method: 'POST',
      headers: { cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ issuer: upstreamIssuer, action: 'check' }),
    });
    assert.equal(noCsrf.status, 403, 'the check is a form post like any other: CSRF-protected');
  });

  test('the admin script is served under the admin CSP, which allows only scripts of its own origin', async () => {
    const ua = await adminUi();
    const page = await ua.request(`${server.url}/admin/providers`);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(page.body, /<script src="\/admin\/assets\/admin\.js" defer><\/script>/);
    const script = await fetch(`${server.url}/admin/assets/admin.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal((await ua.request(`${server.url}/admin/providers/nope`)).status, 404);
    // The Profiles page lists the live provider's login in words (committed by the API test above).
    assert.match(
      (await ua.request(`${server.url}/admin`)).body,
      /<dt>Sign in with Acme Corp <code>acme<\/code><\/dt><dd><code>[^<]*\/authn\/authenticate\/oidc\/acme<\/code>/,
    );
  });
});
