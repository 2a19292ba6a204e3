// Admin web UI over HTTP: setup link, login and session, CSRF, CSP, the wizard, APIs and machine clients, FAPI 2.0, drafts and tokens.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

let server: TestServer;
before(async () => {
  server = await startServer({ config: { clients: [] } });
});
after(() => server.close());

/** Logs a new user agent in as `username` through the login form. */
async function loggedIn(username = 'alice'): Promise<UserAgent> {
  const ua = new UserAgent();
  const form = await ua.follow(`${server.url}/admin/login`);
  const done = await ua.submit(form, { username, password: ADMIN_PASSWORD });
  assert.equal(done.status, 200, done.body.slice(0, 300));
  assert.match(done.body, /<h1>Profiles<\/h1>/);
  return ua;
}

/** Submits the form whose action ends with `action` (pages have several). */
async function submitForm(ua: UserAgent, page: Response, action: string, fields: Record<string, string>) {
  const forms = [...page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => unescapeHtml(f[1]!).endsWith(action));
  assert.ok(form, `a form posting to ${action} on ${page.url}`);
  return ua.submit({ ...page, body: form[0] }, fields);
}

describe('first start', () => {
  test('the setup link works while no admin exists, creates one with argon2id, then stops working', async () => {
    const link = server.tessera.setupLink!;
    assert.match(link, /\/admin\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const ua = new UserAgent();
    assert.equal(
      (await ua.follow(link.replace(/token=.*/, 'token=wrong'))).status,
      404,
      'a wrong token is refused',
    );
    const form = await ua.follow(link);
    assert.equal(form.status, 200);
    const short = await ua.submit(form, { username: 'alice', password: 'short', confirm: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.body, /at least 12 characters/);
    const done = await ua.submit(form, {
      username: 'alice',
      password: ADMIN_PASSWORD,
      confirm: ADMIN_PASSWORD,
    });
    assert.match(done.body, /<h1>Profiles<\/h1>/, 'the new admin is logged in');
    const stored = await server.tessera.store.admin.users.find('alice');
    assert.match(stored!.passwordHash, /^\$argon2id\$/);
    assert.equal((await new UserAgent().follow(link)).status, 404, 'the link is dead now');
    const replay = await ua.submit(form, {
      username: 'mallory',
      password: ADMIN_PASSWORD,
      confirm: ADMIN_PASSWORD,
    });
    assert.equal(replay.status, 404);
    assert.equal(await server.tessera.store.admin.users.find('mallory'), undefined);
  });
});

describe('login and session', () => {
  test('admin pages send a visitor without a session to the login form, keeping where they were going', async () => {
    const res = await new UserAgent().request(`${server.url}/admin/clients?q=x`);
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get('location'),
      `/admin/login?next=${encodeURIComponent('/admin/clients?q=x')}`,
    );
  });

  test('a wrong password or unknown admin gets the same 401 message', async () => {
    for (const [username, password] of [
      ['alice', 'wrong password'],
      ['nobody', ADMIN_PASSWORD],
    ]) {
      const ua = new UserAgent();
      const res = await ua.submit(await ua.follow(`${server.url}/admin/login`), {
        username: username!,
        password: password!,
      });
      assert.equal(res.status, 401);
      assert.match(res.body, /Incorrect username or password\./);
    }
  });

  test('after ten failed logins for one admin from one address, even the right password waits (429)', async () => {
    await addAdmin(server, 'guarded');
    const attempt = async (password: string) => {
      const ua = new UserAgent();
      return ua.submit(await ua.follow(`${server.url}/admin/login`), { username: 'guarded', password });
    };
    for (let i = 0; i < 10; i++) assert.equal((await attempt('wrong password')).status, 401);
    const blocked = await attempt(ADMIN_PASSWORD);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0, 'Retry-After says how long');
  });

  test('the session cookie is its own: HttpOnly, SameSite=Strict, scoped to /admin; logout ends it', async () => {
    const ua = new UserAgent();
    const form = await ua.follow(`${server.url}/admin/login`);
    const res = await ua.request(`${server.url}/admin/login`, {
      form: {
        _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!,
        username: 'alice',
        password: ADMIN_PASSWORD,
      },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tessera_admin='))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\/admin/);
    const page = await ua.follow(`${server.url}/admin`);
    const out = await submitForm(ua, page, '/admin/logout', {});
    assert.match(out.body, /<h1>Admin login<\/h1>/);
    const stale = new UserAgent();
    stale.cookies.set('tessera_admin', cookie.split(';')[0]!.split('=')[1]!);
    assert.equal((await stale.request(`${server.url}/admin`)).status, 303, 'the old cookie no longer works');
  });

  test('after login only admin pages are followed: an outside next goes to the profiles', async () => {
    const ua = new UserAgent();
    const form = await ua.follow(
      `${server.url}/admin/login?next=${encodeURIComponent('//evil.example/admin/')}`,
    );
    const res = await ua.request(`${server.url}/admin/login`, {
      form: {
        _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!,
        next: 'https://evil.example/',
        username: 'alice',
        password: ADMIN_PASSWORD,
      },
    });
    assert.equal(res.headers.get('location'), '/admin');
  });

  test('a form without its CSRF token is refused with 403 and changes nothing', async () => {
    const ua = await loggedIn();
    const res = await ua.request(`${server.url}/admin/scopes`, { form: { name: 'csrf-less' } });
    assert.equal(res.status, 403);
    assert.match(res.body, /This form has expired/);
    const draft = await adminApi(server, await apiToken(server)).get('/scopes');
    assert.ok(!JSON.stringify(draft.body).includes('csrf-less'), 'no scope was added');
  });

  test('admin pages carry a strict CSP: no inline code, scripts only from this origin, forms post only to this origin, no framing', async () => {
    const ua = await loggedIn();
    const res = await ua.request(`${server.url}/admin/clients`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'self'/);
    assert.match(csp, /form-action 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|strict-dynamic|data:|\*/);
    // Only the admin's own script file (admin.js: copy buttons, Check provider) may run.
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(res.body, /<script|style="/, 'no script and no inline style on the page');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const css = await ua.request(`${server.url}/admin/assets/admin.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
  });

  test('an SSO login of the Authentication Service is no admin session', async () => {
    const ua = new UserAgent();
    ua.cookies.set('tessera_session', 'x'.repeat(43));
    assert.equal((await ua.request(`${server.url}/admin`)).status, 303);
  });

  test('an unknown admin page is an HTML 404 for admins', async () => {
    const ua = await loggedIn();
    const res = await ua.request(`${server.url}/admin/nope`);
    assert.equal(res.status, 404);
    assert.match(res.body, /no admin page here/);
  });
});

describe('the New Client wizard with a generated secret', () => {
  test('each step checks its input; the last creates the client in the draft and shows the secret once', async () => {
    const ua = await loggedIn();
    let page = await ua.follow(`${server.url}/admin/new-client`);
    page = await submitForm(ua, page, '/admin/new-client', { client_id: '', action: 'next' });
    assert.equal(page.status, 400);
    assert.match(page.body, /Enter a client id/);
    page = await submitForm(ua, page, '/admin/new-client', { client_id: 'gen', action: 'next' });
    assert.match(page.body, /<h2>Capabilities<\/h2>/);
    page = await submitForm(ua, page, '/admin/new-client', { capabilities: 'code', action: 'next' });
    page = await submitForm(ua, page, '/admin/new-client', { action: 'next' });
    assert.match(page.body, /Add at least one redirect URI/);
    // Typed in and Next pressed without Add: the URI is added, as meant.
    page = await submitForm(ua, page, '/admin/new-client', {
      new_uri: 'https://gen.example/cb',
      action: 'next',
    });
    assert.match(page.body, /<h2>Client authentication<\/h2>/);
    page = await submitForm(ua, page, '/admin/new-client', { auth: 'generate', action: 'next' });
    page = await submitForm(ua, page, '/admin/new-client', {
      authenticator: 'username-password',
      action: 'next',
    });
    page = await submitForm(ua, page, '/admin/new-client', { scopes: 'openid', action: 'next' });
    assert.match(page.body, /<h2>Allowed APIs<\/h2>/);
    assert.match(page.body, /No APIs are configured yet/);
    page = await submitForm(ua, page, '/admin/new-client', { action: 'next' });
    assert.match(page.body, /<h2>Security<\/h2>/);
    page = await submitForm(ua, page, '/admin/new-client', { profile: '', action: 'next' });
    assert.match(page.body, /<h1>Client created<\/h1>/);
    const secret = /id="client-secret">([^<]+)</.exec(page.body)?.[1];
    assert.match(secret ?? '', /^[A-Za-z0-9_-]{43}$/);
    const client = await ua.follow(`${server.url}/admin/clients/gen`);
    assert.ok(!client.body.includes(secret!), 'the secret is not shown again');
    const list = await ua.follow(`${server.url}/admin/clients`);
    assert.match(list.body, /tag-added/);
  });

  test('Back keeps what was entered; a duplicate id is refused at the first step', async () => {
    const ua = await loggedIn();
    let page = await ua.follow(`${server.url}/admin/new-client`);
    page = await submitForm(ua, page, '/admin/new-client', { client_id: 'gen', action: 'next' });
    assert.match(page.body, /exists already/);
    page = await submitForm(ua, page, '/admin/new-client', { client_id: 'other', action: 'next' });
    page = await submitForm(ua, page, '/admin/new-client', { action: 'back' });
    assert.match(page.body, /value="other"/);
  });

  test('client page sections save to the draft; a bad redirect URI is refused next to its section', async () => {
    const ua = await loggedIn();
    const page = await ua.follow(`${server.url}/admin/clients/gen`);
    const refused = await submitForm(ua, page, '/admin/clients/gen', {
      section: 'redirect_add',
      redirect_uri: 'http://gen.example/cb',
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /must use https unless it points at a loopback host/);
    const tokens = await ua.follow(`${server.url}/admin/clients/gen?tab=tokens`);
    const saved = await submitForm(ua, tokens, '/admin/clients/gen', {
      section: 'tokens',
      refresh_lifetime: '7200',
      access_token_lifetime: '600',
      id_token_alg: 'ES256',
      id_token_lifetime: '900',
    });
    assert.match(saved.body, /Saved to your draft/);
    assert.match(saved.body, /name="refresh_enabled" value="on">/, 'unticked: refresh tokens now off');
    const changes = await ua.follow(`${server.url}/admin/changes`);
    assert.match(changes.body, /<dt>ID token signing algorithm<\/dt>/, "the diff speaks the page's words");
    assert.doesNotMatch(changes.body, /id_token_signed_response_alg/);
  });
});

describe('changes and history in the UI', () => {
  test('commit from the Changes page; a stale draft is told to rebase, rebases and commits', async () => {
    const alice = await loggedIn();
    await addAdmin(server, 'bob');
    const bob = await loggedIn('bob');
    // bob edits too, and commits first
    const api = adminApi(server, await apiToken(server, 'bob'));
    await api.post('/clients', apiClient('bobs'));
    await api.post('/changes/commit', { message: 'bob first' });
    const changes = await alice.follow(`${server.url}/admin/changes`);
    assert.match(changes.body, /Rebase needed/);
    const refused = await submitForm(alice, changes, '/admin/changes/commit', { message: 'alice' });
    assert.equal(refused.status, 409);
    assert.match(refused.body, /rebase your draft/);
    const rebased = await submitForm(alice, changes, '/admin/changes/rebase', {});
    assert.match(rebased.body, /now builds on revision/);
    const committed = await submitForm(alice, rebased, '/admin/changes/commit', { message: 'add gen' });
    assert.match(committed.body, /Committed\. Revision \d+ is live/);
    assert.ok(
      server.tessera.live().clients.has('gen') && server.tessera.live().clients.has('bobs'),
      'both live',
    );
    assert.match((await bob.follow(`${server.url}/admin/history`)).body, /add gen/);
  });

  test('a commit that leaves a client without its authenticator is refused and lists the client', async () => {
    const ua = await loggedIn();
    const page = await ua.follow(`${server.url}/admin/authenticators`);
    await submitForm(ua, page, '/admin/authenticators/username-password/delete', {});
    const changes = await ua.follow(`${server.url}/admin/changes`);
    assert.match(changes.body, /A commit would fail/);
    const refused = await submitForm(ua, changes, '/admin/changes/commit', { message: 'drop it' });
    assert.equal(refused.status, 422);
    assert.match(refused.body, /<strong>Client gen: user authentication<\/strong>: no authenticator with id/);
    await submitForm(ua, refused, '/admin/changes/discard', {});
    assert.match((await ua.follow(`${server.url}/admin/changes`)).body, /no pending changes/);
  });

  test('API tokens made in the UI are shown once, stored hashed, and stop working when revoked', async () => {
    const ua = await loggedIn();
    const page = await ua.follow(`${server.url}/admin/tokens`);
    const created = await submitForm(ua, page, '/admin/tokens', { name: 'ui made' });
    const token = /id="api-token">([^<]+)</.exec(created.body)![1]!;
    const stored = (await server.tessera.store.admin.tokens.list()).find((t) => t.name === 'ui made')!;
    assert.notEqual(stored.hash, token);
    assert.ok(!JSON.stringify(stored).includes(token), 'only the hash is stored');
    assert.equal((await adminApi(server, token).get('/clients')).status, 200);
    const list = await ua.follow(`${server.url}/admin/tokens`);
    assert.ok(!list.body.includes(token), 'the token is not shown again');
    await submitForm(ua, list, `/admin/tokens/${stored.id}/revoke`, {});
    assert.equal((await adminApi(server, token).get('/clients')).status, 401);
  });
});

describe('APIs and machine clients in the UI', () => {
  const API = 'https://api.example.com';
  const jwk = {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
    kid: 'svc-1',
  };
  /** The alert's text without tags, as a person reads it. */
  const alertText = (body: string) =>
    unescapeHtml(/<div class="alert"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1]?.replace(/<[^>]+>/g, '') ?? '');

  test('the APIs page creates an API; a bad identifier is refused in words; the list names its format', async () => {
    const ua = await loggedIn();
    let page = await ua.follow(`${server.url}/admin/apis`);
    assert.match(page.body, /<a href="\/admin\/apis" aria-current="page">APIs<\/a>/, 'a nav entry');
    const bad = {
      identifier: 'api.example.com',
      name: 'Orders',
      access_token_format: 'jwt',
      access_token_lifetime: '300',
    };
    page = await submitForm(ua, page, '/admin/apis', bad);
    assert.equal(page.status, 400);
    assert.match(alertText(page.body), /Identifier: "api.example.com" is not an absolute URI/);
    page = await submitForm(ua, page, '/admin/apis', { ...bad, identifier: API });
    assert.match(page.body, /API <code>https:\/\/api.example.com<\/code> saved to your draft/);
    assert.match(page.body, /<td>JWT, 300 s<\/td>/);
    const edit = await ua.follow(`${server.url}/admin/apis/${encodeURIComponent(API)}`);
    const saved = await submitForm(ua, edit, `/admin/apis/${encodeURIComponent(API)}`, {
      name: 'Orders',
      access_token_format: 'opaque',
      access_token_lifetime: '600',
    });
    assert.match(saved.body, /<td>Opaque, 600 s<\/td>/);
    const changes = await ua.follow(`${server.url}/admin/changes`);
    assert.match(changes.body, /added<\/span> API <code>https:\/\/api.example.com<\/code>/);
    assert.match(changes.body, /<dt>token format<\/dt>\s*<dd><ins>opaque<\/ins>/);
  });

  test('the wizard makes a Client Credentials client with private_key_jwt: no redirect URI asked, a pasted JWKS, an API', async () => {
    const ua = await loggedIn();
    let page = await ua.follow(`${server.url}/admin/new-client`);
    page = await submitForm(ua, page, '/admin/new-client', { client_id: 'svc', action: 'next' });
    page = await submitForm(ua, page, '/admin/new-client', {
      capabilities: 'client_credentials',
      action: 'next',
    });
    assert.match(page.body, /<h2>Client authentication<\/h2>/, 'no redirect URI step');
    assert.doesNotMatch(page.body, /Redirect URIs<\/li>/, 'nor in the list of steps');
    assert.doesNotMatch(page.body, /value="none"/, 'a machine client cannot be public');
    const refused = await submitForm(ua, page, '/admin/new-client', {
      auth: 'private_key_jwt',
      action: 'next',
    });
    assert.match(alertText(refused.body), /JWKS: Paste the client's public keys/);
    page = await submitForm(ua, page, '/admin/new-client', {
      auth: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [jwk] }, null, 2),
      auth_alg: 'ES256',
      action: 'next',
    });
    assert.match(page.body, /<h2>Scopes<\/h2>/);
    page = await submitForm(ua, page, '/admin/new-client', { action: 'next' });
    page = await submitForm(ua, page, '/admin/new-client', { apis: API, action: 'next' });
    page = await submitForm(ua, page, '/admin/new-client', { dpop: 'on', action: 'next' });
    assert.match(page.body, /<h1>Client created<\/h1>/);
    assert.match(page.body, /it has no secret/);
    const client = (await server.tessera.store.admin.drafts.get('admin:alice'))?.snapshot.clients.find(
      (c) => c.client_id === 'svc',
    );
    assert.deepEqual(
      [
        client?.capabilities,
        client?.redirect_uris,
        client?.token_endpoint_auth_method,
        client?.jwks,
        client?.apis,
      ],
      [['client_credentials'], [], 'private_key_jwt', { keys: [jwk] }, [API]],
    );
    assert.equal(client?.dpop_bound_access_tokens, true);
    const overview = await ua.follow(`${server.url}/admin/clients/svc`);
    assert.match(overview.body, /Only the Code Flow sends browsers back/);
    assert.match(overview.body, /<label for="jwks_uri">JWKS URL/);
    assert.match(overview.body, /name="apis" value="https:\/\/api.example.com" checked/);
  });

  test('FAPI 2.0 on a client that breaks it is refused next to the Security section, each rule in words, the choice kept', async () => {
    const ua = await loggedIn();
    const page = await ua.follow(`${server.url}/admin/clients/gen`);
    const refused = await submitForm(ua, page, '/admin/clients/gen', {
      section: 'security',
      profile: 'fapi2',
      request_alg: 'RS256',
      par_shown: 'off',
      dpop_shown: 'off',
    });
    assert.equal(refused.status, 400);
    const text = alertText(refused.body);
    for (const rule of [
      'Client authentication: FAPI 2.0 (§5.3.2.1) clients authenticate with private_key_jwt',
      'Request object signing algorithm: FAPI 2.0 (§5.4.1) allows PS256, ES256 or EdDSA for request objects',
    ]) {
      assert.ok(text.includes(rule), `${rule}\nin: ${text}`);
    }
    assert.doesNotMatch(
      text,
      /ID token/,
      'gen signs ID tokens with ES256 (saved above), which FAPI 2.0 allows',
    );
    assert.doesNotMatch(text, /PAR|DPoP/, 'boxes left as they were shown: FAPI 2.0 turns them on itself');
    assert.doesNotMatch(text, /token_endpoint|request_object|_alg\b|\.\w+_/, 'no config keys');
    const box = /<section class="box" id="security"[\s\S]*?<\/section>/.exec(refused.body)?.[0] ?? '';
    assert.match(box, /class="alert"/, 'the refusal sits in the Security section');
    assert.match(
      box,
      /value="fapi2"[^>]* checked/,
      'the FAPI 2.0 choice is kept, not reset to the stored one',
    );
    const untick = await submitForm(ua, page, '/admin/clients/gen', {
      section: 'security',
      profile: 'fapi2',
      par_shown: 'on',
      dpop_shown: 'on',
      dpop: 'on',
    });
    assert.match(
      alertText(untick.body),
      /Require pushed authorization requests \(PAR\): FAPI 2\.0 \(§5\.3\.2\.2\)/,
    );
  });

  test('deleting an API a client still allows says so at once, and the commit is refused naming the client', async () => {
    const ua = await loggedIn();
    const list = await ua.follow(`${server.url}/admin/apis`);
    const deleted = await submitForm(ua, list, `/admin/apis/${encodeURIComponent(API)}/delete`, {});
    assert.match(
      deleted.body,
      /client <a [^>]*><code>svc<\/code><\/a> still allows it: the commit will be refused/,
    );
    const changes = await ua.follow(`${server.url}/admin/changes`);
    const refused = await submitForm(ua, changes, '/admin/changes/commit', { message: 'drop the API' });
    assert.equal(refused.status, 422);
    assert.match(
      alertText(refused.body),
      /Client svc: allowed APIs: no API with identifier "https:\/\/api.example.com"/,
    );
    await submitForm(ua, refused, '/admin/changes/discard', {});
  });
});

describe('clients from the config file', () => {
  test('a client only the config file declares is named in the list as not editable here', async () => {
    const fileServer = await startServer();
    try {
      await addAdmin(fileServer, 'alice');
      const ua = new UserAgent();
      const form = await ua.follow(`${fileServer.url}/admin/login`);
      await ua.submit(form, { username: 'alice', password: ADMIN_PASSWORD });
      const list = await ua.follow(`${fileServer.url}/admin/clients`);
      assert.match(list.body, /Declared in the config file, and so not editable here: <code>www<\/code>/);
    } finally {
      await fileServer.close();
    }
  });
});
