// Admin REST API: commits (all or nothing, live at once), concurrent commits and rebase, discard, history and rollback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AdminApi, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { basic, UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
let alice: AdminApi;
let bob: AdminApi;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server, 'alice');
  await addAdmin(server, 'bob');
  alice = adminApi(server, await apiToken(server, 'alice', 'alice-ci'));
  bob = adminApi(server, await apiToken(server, 'bob', 'bob-ci'));
});
after(() => server.close());

const live = async () => (await alice.get('/changes')).body.current as number;

/** Runs the code flow for a client: register a user, get a code, redeem it with the secret. */
async function codeFlow(clientId: string, secret: string) {
  const ua = new UserAgent();
  const authorize = `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'http://localhost/callback',
    scope: 'openid',
    state: 's1',
  })}`;
  const login = await ua.follow(authorize);
  if (login.status !== 200 || !/Log in/.test(login.body)) return { status: login.status, body: login.body };
  const registerHref = /href="([^"]*register[^"]*)"/.exec(login.body)![1]!.replace(/&amp;/g, '&');
  const register = await ua.follow(new URL(registerHref, server.url).href);
  const done = await ua.submit(register, {
    username: `user-${clientId}-${Date.now()}`,
    password: 'a long enough password',
  });
  const code = new URL(done.headers.get('location')!).searchParams.get('code')!;
  const res = await fetch(`${server.url}/oauth/v2/oauth-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://localhost/callback',
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('commit', () => {
  test('a committed client is live on this node at once and runs the code flow with its secret', async () => {
    const created = await alice.post('/clients', apiClient('www'));
    const before = await live();
    const committed = await alice.post('/changes/commit', { message: 'add the www client' });
    assert.equal(committed.status, 201);
    assert.equal(committed.body.revision.parent, before);
    assert.equal(committed.body.revision.author, 'alice (API token "alice-ci")');
    assert.equal(server.tessera.live().revision, committed.body.revision.id, 'no wait for the poller');
    const flow = await codeFlow('www', created.body.client_secret);
    assert.equal(flow.status, 200, JSON.stringify(flow.body));
    assert.ok((flow.body as Record<string, unknown>)['id_token'], 'an ID token was issued');
    const after = await alice.get('/changes');
    assert.equal(after.body.exists, false, 'the committed draft is gone');
  });

  test('GET /changes shows the pending diff field by field, and a secret only as a fact', async () => {
    await alice.patch('/clients/www', {
      refresh_token: { enabled: false },
      redirect_uris: ['https://www.example/cb'],
    });
    await alice.post('/clients/www/secret', {});
    const res = await alice.get('/changes');
    assert.equal(res.body.exists, true);
    const change = res.body.changes.find((c: { id: string }) => c.id === 'www');
    assert.equal(change.action, 'changed');
    const fields = Object.fromEntries(
      change.fields.map((f: { field: string; before: unknown; after: unknown }) => [
        f.field,
        [f.before, f.after],
      ]),
    );
    assert.deepEqual(fields['refresh_token.enabled'], [true, false]);
    assert.deepEqual(fields['redirect_uris'], [['http://localhost/callback'], ['https://www.example/cb']]);
    assert.deepEqual(fields['secret'], ['(a secret)', '(a new secret)']);
    assert.ok(!JSON.stringify(res.body).includes('hmac-sha256'), 'no hash in the diff');
    assert.equal((await alice.delete('/changes')).status, 204);
    assert.equal((await alice.get('/changes')).body.exists, false);
  });

  test('a commit needs a message; an empty draft has nothing to commit', async () => {
    await alice.post('/scopes', { name: 'messageless' });
    const none = await alice.post('/changes/commit', { message: '   ' });
    assert.equal(none.status, 400);
    assert.equal(none.body.issues[0].path, 'message');
    await alice.delete('/changes');
    const empty = await alice.post('/changes/commit', { message: 'nothing' });
    assert.equal(empty.status, 409);
    assert.equal(empty.body.error, 'no_changes');
  });

  test('a commit that would leave a client without an authenticator is refused whole, naming the client', async () => {
    await alice.post('/authenticators', { id: 'staff' });
    await alice.post('/clients', apiClient('intranet', { authenticator: 'staff' }));
    await alice.post('/changes/commit', { message: 'intranet on staff' });
    const revision = await live();
    assert.equal((await alice.delete('/authenticators/staff')).status, 204, 'the draft takes the edit');
    await alice.post('/scopes', { name: 'extra' });
    const refused = await alice.post('/changes/commit', { message: 'drop staff' });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error, 'invalid_config');
    assert.deepEqual(refused.body.issues, [
      { path: 'clients[intranet].authenticator', message: 'no authenticator with id "staff"' },
    ]);
    assert.equal(await live(), revision, 'nothing was committed, not even the new scope');
    assert.ok(server.tessera.live().authenticators.has('staff'), 'the live config still has staff');
    const draft = await alice.get('/changes');
    assert.deepEqual(draft.body.issues, refused.body.issues, 'the draft says so before the next try');
    await alice.delete('/changes');
  });

  test('a commit naming a scope that does not exist is refused with the path of the scope', async () => {
    await alice.post('/clients', apiClient('scoped', { scopes: ['openid', 'nonexistent'] }));
    const refused = await alice.post('/changes/commit', { message: 'scoped' });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.issues[0].path, 'clients[scoped].scopes[1]');
    await alice.delete('/changes');
  });
});

describe('two admins at once', () => {
  test('two commits on the same revision at once: one wins, the other is told to rebase and nothing is overwritten', async () => {
    await alice.post('/scopes', { name: 'from-alice' });
    await bob.post('/scopes', { name: 'from-bob' });
    const base = await live();
    const [a, b] = await Promise.all([
      alice.post('/changes/commit', { message: 'alice' }),
      bob.post('/changes/commit', { message: 'bob' }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [201, 409]);
    const [winner, loser] = a.status === 201 ? [a, b] : [b, a];
    const loserApi = a.status === 201 ? bob : alice;
    assert.equal(winner.body.revision.parent, base);
    assert.equal(loser.body.error, 'conflict');
    assert.equal(loser.body.current, winner.body.revision.id);
    assert.match(loser.body.error_description, /rebase/);
    const stale = await loserApi.get('/changes');
    assert.equal(stale.body.stale, true, 'the losing draft is kept, marked stale');
    assert.equal((await loserApi.post('/changes/commit', { message: 'again' })).status, 409, 'still stale');
    const rebased = await loserApi.post('/changes/rebase');
    assert.equal(rebased.status, 200);
    assert.equal(rebased.body.stale, false);
    assert.equal(rebased.body.base, winner.body.revision.id);
    assert.equal((await loserApi.post('/changes/commit', { message: 'after rebase' })).status, 201);
    const scopes = server.tessera.live().scopes;
    assert.ok(scopes.has('from-alice') && scopes.has('from-bob'), 'both edits are live');
  });

  test('of five drafts committed at once exactly one lands', async () => {
    const apis = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map(async (n) =>
        adminApi(server, await apiToken(server, 'alice', `racer-${n}`)),
      ),
    );
    await Promise.all(apis.map((api, i) => api.post('/scopes', { name: `race-${i}` })));
    const before = await live();
    const results = await Promise.all(
      apis.map((api, i) => api.post('/changes/commit', { message: `race ${i}` })),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.ok(
      results.every((r) => r.status === 201 || r.body.error === 'conflict'),
      'the rest are conflicts',
    );
    assert.equal(await live(), before + 1);
    await Promise.all(apis.map((api) => api.delete('/changes')));
  });

  test('a rebase keeps edits of different entries and refuses an entry both sides changed', async () => {
    await alice.post('/clients', apiClient('shared'));
    await alice.post('/changes/commit', { message: 'shared' });
    await alice.patch('/clients/shared', { access_token_lifetime: 600 });
    await bob.patch('/clients/shared', { access_token_lifetime: 900 });
    assert.equal((await bob.post('/changes/commit', { message: 'bob: 900' })).status, 201);
    const rebase = await alice.post('/changes/rebase');
    assert.equal(rebase.status, 409);
    assert.equal(rebase.body.error, 'merge_conflict');
    assert.deepEqual(
      rebase.body.issues.map((i: { path: string }) => i.path),
      ['clients[shared]'],
    );
    assert.equal((await alice.get('/changes')).body.stale, true, 'the draft is left as it was');
    await alice.delete('/changes');
  });

  test('a rebase with nothing to rebase is refused; one that is current changes nothing', async () => {
    const none = await alice.post('/changes/rebase');
    assert.equal(none.status, 409);
    assert.equal(none.body.error, 'no_changes');
    await alice.post('/scopes', { name: 'current' });
    const same = await alice.post('/changes/rebase');
    assert.equal(same.status, 200);
    assert.equal(same.body.changes.length, 1);
    await alice.delete('/changes');
  });
});

describe('history and rollback', () => {
  test('GET /revisions lists revisions newest first with author, time and message', async () => {
    const res = await alice.get('/revisions?limit=3');
    assert.equal(res.status, 200);
    assert.equal(res.body.revisions.length, 3);
    const [newest, older] = res.body.revisions;
    assert.ok(newest.id > older.id, 'newest first');
    assert.equal(typeof newest.created_at, 'number');
    assert.equal((await alice.get('/revisions?limit=0')).status, 400);
  });

  test('GET /revisions/{id} shows the snapshot without hashes and what the revision changed', async () => {
    const first = (await alice.get('/revisions?limit=1000')).body.revisions.find(
      (r: { message: string }) => r.message === 'add the www client',
    );
    const res = await alice.get(`/revisions/${first.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.author, 'alice (API token "alice-ci")');
    assert.deepEqual(
      res.body.changes.map((c: { kind: string; id: string; action: string }) => [c.kind, c.id, c.action]),
      [['client', 'www', 'added']],
    );
    const www = res.body.snapshot.clients.find((c: { client_id: string }) => c.client_id === 'www');
    assert.equal(www.has_secret, true);
    assert.equal(www.secret_hash, undefined);
    assert.equal((await alice.get('/revisions/99999')).status, 404);
    assert.equal((await alice.get('/revisions/abc')).status, 400);
  });

  test('rollback commits an older snapshot as a new revision: the client is gone from the live config', async () => {
    const revisions = (await alice.get('/revisions?limit=1000')).body.revisions;
    const beforeWww = revisions.find((r: { message: string }) => r.message === 'add the www client').parent;
    const current = await live();
    const res = await alice.post(`/revisions/${beforeWww}/rollback`, { message: 'back to before www' });
    assert.equal(res.status, 201);
    assert.equal(res.body.revision.parent, current, 'on top of history, not rewriting it');
    assert.equal(res.body.revision.message, 'back to before www');
    assert.equal(server.tessera.live().clients.has('www'), false);
    const target = await server.tessera.store.config.get(beforeWww);
    assert.deepEqual(server.tessera.live().snapshot, target!.snapshot);
    const flow = await codeFlow('www', 'whatever');
    assert.notEqual(flow.status, 200, 'the code flow no longer works for www');
  });

  test('rollback refusals: to the live revision, to an unknown revision, with a bad body', async () => {
    const current = await live();
    const same = await alice.post(`/revisions/${current}/rollback`, {});
    assert.equal(same.status, 409);
    assert.equal(same.body.error, 'no_changes');
    assert.equal((await alice.post('/revisions/99999/rollback', {})).status, 404);
    const bad = await alice.post(`/revisions/${current - 1}/rollback`, { message: 5, extra: true });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues.length, 2);
  });
});
