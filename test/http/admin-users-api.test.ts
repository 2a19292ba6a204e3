// The admin REST API's user operations on SQLite with a real SMTP server: every answer checked against its documented
// schema, 404s for unknown users, factors and links, hostile ids refused as 4xx, refusals in the shared error shape.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { events } from '../fixtures/account.ts';
import { type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { basic, isActive, signUp, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

let server: TestServer;
let smtp: SmtpSink;
let api: AdminApi;

before(async () => {
  smtp = await startSmtpSink();
  server = await startServer({
    config: {
      server: { email: { smtp_url: smtp.url } },
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'keys', type: 'passkey' },
      ],
    },
  });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
  for (const name of ['ann', 'Ben', 'cat', 'dan', 'eve'])
    await signUp(server, name, { email: `${name}@example.org` });
  await signUp(server, 'noemail');
  await server.tessera.store.passkeys.create({
    id: 'credential-of-ann',
    accountId: 'ann',
    name: 'Phone',
    publicKey: 'pQECAyYgASFYIAnnsPublicKey',
    counter: 0,
    transports: [],
    backupEligible: true,
    backedUp: true,
    createdAt: 1_700_000_000,
    lastUsedAt: null,
  });
  await server.tessera.store.upstream.link({
    issuer: 'https://idp.example',
    subject: 'ann-upstream',
    accountId: 'ann',
    authenticator: 'acme',
    createdAt: 1_700_000_000,
    lastUsedAt: null,
  });
});
after(async () => {
  await server?.close();
  await smtp?.close();
});

describe('GET /users', () => {
  test('lists by username without regard to case, paged by next', async () => {
    const first = await api.get('/users?limit=2');
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.users.map((u: { username: string }) => u.username),
      ['ann', 'Ben'],
    );
    assert.equal(first.body.next, 'Ben');
    const second = await api.get(`/users?limit=2&after=${first.body.next}`);
    assert.deepEqual(
      second.body.users.map((u: { username: string }) => u.username),
      ['cat', 'dan'],
    );
    const last = await api.get('/users?limit=10&after=dan');
    assert.deepEqual(
      last.body.users.map((u: { username: string }) => u.username),
      ['eve', 'noemail'],
    );
    assert.equal(last.body.next, null);
  });

  test('query matches part of the username or email; each user as its summary', async () => {
    const res = await api.get('/users?query=BEN%40EXAMPLE');
    assert.deepEqual(res.body.users, [
      {
        id: 'Ben',
        username: 'Ben',
        name: null,
        email: 'Ben@example.org',
        email_verified: false,
        created_at: res.body.users[0].created_at,
        disabled: false,
      },
    ]);
  });

  test('a bad limit or an overlong query is a 400 naming each field; no token is a 401', async () => {
    const bad = await api.get(`/users?limit=0&query=${'q'.repeat(300)}`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), [
      'query.limit',
      'query.query',
    ]);
    assert.equal((await adminApi(server, undefined).get('/users')).status, 401);
  });
});

describe('GET /users/{id}', () => {
  test('one user with sessions, factors and linked sign-ins; no key or credential ID', async () => {
    const res = await api.get('/users/ann');
    assert.equal(res.status, 200);
    const user = res.body.user;
    assert.equal(user.sessions.length, 1);
    assert.equal(user.sessions[0].address, '127.0.0.1');
    assert.deepEqual(
      user.factors.map((f: { kind: string; name: string }) => [f.kind, f.name]),
      [['passkey', 'Phone']],
    );
    assert.match(user.factors[0].id, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(
      user.identities.map((i: { provider: string; issuer: string; subject: string }) => [
        i.provider,
        i.issuer,
        i.subject,
      ]),
      [['https://idp.example', 'https://idp.example', 'ann-upstream']],
    );
    const text = JSON.stringify(res.body);
    for (const secret of ['credential-of-ann', 'AnnsPublicKey', '$argon2'])
      assert.ok(!text.includes(secret), secret);
  });

  test('unknown ids are 404; overlong or hostile ids are 4xx in the error shape', async () => {
    assert.equal((await api.get('/users/nobody')).status, 404);
    assert.equal((await api.get(`/users/${encodeURIComponent('a/../b')}`)).status, 404);
    for (const id of ['x'.repeat(250), 'a%00b', '%C0%AF']) {
      const res = await api.get(`/users/${id}`);
      assert.ok(res.status >= 400 && res.status < 500, `${id}: ${res.status}`);
    }
  });
});

describe('actions', () => {
  test('sessions/end ends the sessions and their grants', async () => {
    const agent = await signUp(server, 'fay', { email: 'fay@example.org' });
    const tokens = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const res = await api.post('/users/fay/sessions/end');
    assert.deepEqual([res.status, res.body], [200, { sessions_ended: 1 }]);
    assert.equal(await isActive(server, tokens.refresh_token!, basic('www', WWW_SECRET)), false);
    const [event] = await events(server, 'session.ended');
    assert.equal(event?.actor, 'alice (API token "tests")');
  });

  test('disable and enable answer the new state', async () => {
    assert.deepEqual((await api.post('/users/fay/disable')).body, { disabled: true, sessions_ended: 0 });
    assert.equal((await api.get('/users/fay')).body.user.disabled, true);
    assert.deepEqual((await api.post('/users/fay/enable')).body, { disabled: false });
  });

  test('factors/{handle}/remove removes by the handle; a second time, or a made-up handle, is 404', async () => {
    const handle = (await api.get('/users/ann')).body.user.factors[0].id;
    const res = await api.post(`/users/ann/factors/${handle}/remove`);
    assert.deepEqual(
      [res.status, res.body],
      [200, { removed: { kind: 'passkey', name: 'Phone' }, needed_by: null }],
    );
    assert.equal((await api.post(`/users/ann/factors/${handle}/remove`)).status, 404);
    assert.equal((await api.post('/users/ann/factors/totp/remove')).status, 404);
    assert.equal((await api.post('/users/nobody/factors/totp/remove')).status, 404);
  });

  test('identities/{handle}/unlink unlinks; last_way_in is false while the password still works', async () => {
    const handle = (await api.get('/users/ann')).body.user.identities[0].id;
    const res = await api.post(`/users/ann/identities/${handle}/unlink`);
    assert.deepEqual([res.status, res.body], [200, { provider: 'https://idp.example', last_way_in: false }]);
    assert.equal((await api.post(`/users/ann/identities/${handle}/unlink`)).status, 404);
  });

  test('password-reset is 202 with where it went; 409 without an address; 429 after 3 an hour', async () => {
    const res = await api.post('/users/cat/password-reset');
    assert.deepEqual([res.status, res.body], [202, { email: 'cat@example.org', expires_in: 900 }]);
    const mail = await smtp.waitFor((m) => m.to.includes('cat@example.org'));
    assert.ok(mail.links.some((l) => l.includes('/authn/reset-password?token=')));
    assert.ok(!JSON.stringify(res.body).includes(new URL(mail.links[0]!).searchParams.get('token')!));
    const none = await api.post('/users/noemail/password-reset');
    assert.deepEqual([none.status, none.body.error], [409, 'refused']);
    await api.post('/users/cat/password-reset');
    await api.post('/users/cat/password-reset');
    const fourth = await api.post('/users/cat/password-reset');
    assert.deepEqual([fourth.status, fourth.body.error], [429, 'throttled']);
    assert.equal((await api.post('/users/nobody/password-reset')).status, 404);
  });

  test('verification-email is 202; email-verified marks it, and a second send is refused as verified', async () => {
    const res = await api.post('/users/dan/verification-email');
    assert.deepEqual([res.status, res.body], [202, { email: 'dan@example.org', expires_in: 86_400 }]);
    await smtp.waitFor((m) => m.to.includes('dan@example.org'));
    const marked = await api.post('/users/dan/email-verified');
    assert.deepEqual(marked.body, { email: 'dan@example.org', email_verified: true, changed: true });
    assert.equal((await api.post('/users/dan/email-verified')).body.changed, false);
    const again = await api.post('/users/dan/verification-email');
    assert.deepEqual([again.status, again.body.error], [409, 'refused']);
    assert.equal((await api.post('/users/noemail/email-verified')).status, 409);
  });

  test('a disabled user gets no link: 409', async () => {
    await api.post('/users/eve/disable');
    assert.equal((await api.post('/users/eve/password-reset')).status, 409);
    assert.equal((await api.post('/users/eve/verification-email')).status, 409);
  });

  test('the operations are in the OpenAPI document under Users', async () => {
    const doc = (await (await fetch(`${server.url}/admin/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown> }>>;
    };
    for (const path of [
      '/users',
      '/users/{id}',
      '/users/{id}/disable',
      '/users/{id}/sessions/end',
      '/users/{id}/factors/{handle}/remove',
      '/users/{id}/identities/{handle}/unlink',
      '/users/{id}/password-reset',
      '/users/{id}/verification-email',
      '/users/{id}/email-verified',
    ])
      assert.ok(doc.paths[path], path);
    assert.ok(doc.paths['/users/{id}/password-reset']?.['post']?.responses['429']);
    assert.deepEqual(doc.paths['/users/{id}']?.['get']?.tags, ['Users']);
  });
});
