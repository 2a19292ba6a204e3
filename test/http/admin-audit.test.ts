// The audit log over HTTP on SQLite: real logins and commits land in it without a password, the API and page filter it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const LOGIN = '/authn/authenticate/html-form/username-password';
const WRONG = 'Wrong-Password-Typed-9f3K2';

let server: TestServer;
let api: ReturnType<typeof adminApi>;
let admin: UserAgent;

before(async () => {
  server = await startServer();
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
  await signUp(server, 'carol');
  const agent = new UserAgent();
  const form = await agent.request(server.url + LOGIN);
  await agent.submit(form, { username: 'carol', password: WRONG });
  const again = await agent.request(server.url + LOGIN);
  await agent.submit(again, { username: 'carol', password: PASSWORD });
  // A username that is no account may be a password typed in the wrong box: it is never kept.
  const stray = await agent.request(server.url + LOGIN);
  await agent.submit(stray, { username: 'Stray-Secret-In-Username-7Q', password: PASSWORD });
  admin = new UserAgent();
  const login = await admin.follow(`${server.url}/admin/login`);
  await admin.submit(login, { username: 'alice', password: ADMIN_PASSWORD });
});
after(() => server.close());

describe('what the server records', () => {
  test('no password, right or wrong, nor a stray username, is anywhere in the audit table', () => {
    const db = new Database(join(server.dataDir, 'tessera.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM audit_events').all();
      assert.ok(rows.length >= 4, `${rows.length} rows`);
      const dump = JSON.stringify(rows);
      for (const secret of [PASSWORD, WRONG, 'Stray-Secret-In-Username-7Q'])
        assert.ok(!dump.includes(secret), `${secret} is not stored`);
    } finally {
      db.close();
    }
  });

  test('sign-up, a failed and a good login are recorded for the account with the address and factor', async () => {
    const res = await api.get('/audit?user=carol&limit=10');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.events.map((e: { type: string }) => e.type),
      ['login.succeeded', 'login.failed', 'account.created'],
    );
    const failed = res.body.events[1];
    assert.equal(failed.label, 'Login failed');
    assert.equal(failed.account_id, 'carol');
    assert.equal(failed.address, '127.0.0.1');
    assert.deepEqual(failed.detail, { factor: 'username-password' });
  });

  test('an admin commit through the API names the admin and token, the address and the revision', async () => {
    assert.equal((await api.post('/scopes', { name: 'audit.scope' })).status, 201);
    const commit = await api.post('/changes/commit', { message: 'for the audit test' });
    assert.equal(commit.status, 201);
    const res = await api.get('/audit?type=config.committed');
    assert.equal(res.body.events.length, 1);
    assert.equal(res.body.events[0].actor, 'alice (API token "tests")');
    assert.equal(res.body.events[0].address, '127.0.0.1');
    assert.deepEqual(res.body.events[0].detail, { revision: commit.body.revision.id });
  });
});

describe('the admin API', () => {
  test('pages newest first: next is the before of the older page, null on the last', async () => {
    const first = await api.get('/audit?user=carol&limit=2');
    assert.equal(first.body.events.length, 2);
    assert.equal(typeof first.body.next, 'number');
    const second = await api.get(`/audit?user=carol&limit=2&before=${first.body.next}`);
    assert.deepEqual(
      second.body.events.map((e: { type: string }) => e.type),
      ['account.created'],
    );
    assert.equal(second.body.next, null);
  });

  test('a time range outside the events finds none; a bad time or type is a 400 naming the field', async () => {
    assert.deepEqual((await api.get('/audit?to=2000-01-01')).body.events, []);
    assert.ok((await api.get('/audit?from=2000-01-01')).body.events.length > 0);
    const bad = await api.get('/audit?from=yesterday&type=login.sideways');
    assert.equal(bad.status, 400);
    const paths = bad.body.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['query.from', 'query.type']);
  });

  test('without a token the log is not readable', async () => {
    assert.equal((await adminApi(server, undefined).get('/audit')).status, 401);
  });
});

describe('the Audit log page', () => {
  test('lists events in plain words, filtered by user and event, with no raw type key shown', async () => {
    const page = await admin.follow(`${server.url}/admin/audit?user=carol&type=login.failed`);
    assert.equal(page.status, 200);
    const table = /<table id="audit-events"[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    assert.match(table, /Login failed/);
    assert.doesNotMatch(table, /Login succeeded|Account created/);
    assert.doesNotMatch(table, /login\.failed/);
    assert.match(table, /Authenticator: username-password/);
    assert.match(table, /<a href="\/admin\/audit\?user=carol">carol<\/a>/, 'the user links to their events');
    assert.match(page.body, /<a[^>]*aria-current="page"[^>]*>Audit log<\/a>|aria-current="page">Audit log/);
  });

  test('a bad time is refused with the filter named, and nothing listed', async () => {
    const page = await admin.follow(`${server.url}/admin/audit?from=not-a-time`);
    assert.equal(page.status, 400);
    assert.match(page.body, /<strong>From<\/strong>: use an ISO 8601 date or time/);
    assert.doesNotMatch(page.body, /id="audit-events"/);
  });

  test('without an admin session the page sends the browser to the login', async () => {
    const res = await fetch(`${server.url}/admin/audit`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /\/admin\/login\?next=/);
  });
});

describe('a failing audit store', () => {
  test('never fails the request: the login still logs the user in', async () => {
    const audit = server.tessera.store.audit;
    const record = audit.record;
    audit.record = async () => {
      throw new Error('disk full');
    };
    try {
      const agent = new UserAgent();
      const form = await agent.request(server.url + LOGIN);
      const done = await agent.submit(form, { username: 'carol', password: PASSWORD });
      assert.ok(done.status < 500, `status ${done.status}`);
      assert.ok(agent.cookies.get('tessera_sso'), 'the SSO session started');
    } finally {
      audit.record = record;
    }
  });
});
