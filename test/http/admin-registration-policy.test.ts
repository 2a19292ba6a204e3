// The registration policy as committed config: the form on the Registered clients page, the API, and the endpoint obeying a commit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const REGISTER = '/oauth/v2/oauth-registration';
const DISCOVERY = '/oauth/v2/oauth-anonymous/.well-known/openid-configuration';

let server: TestServer;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
});
after(() => server.close());

async function signedIn(): Promise<UserAgent> {
  const ua = new UserAgent();
  await ua.submit(await ua.follow(`${server.url}/admin/login`), {
    username: 'alice',
    password: ADMIN_PASSWORD,
  });
  return ua;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read freely
const json = async (res: Response): Promise<any> => res.json();
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

/** Posts the policy form with repeated fields (checkbox groups), as a browser sends it. */
async function postPolicy(ua: UserAgent, pairs: [string, string][]) {
  const page = await ua.follow(`${server.url}/admin/registered-clients`);
  const body = new URLSearchParams([['_csrf', csrfOf(page.body)], ...pairs]).toString();
  const res = await fetch(`${server.url}/admin/registered-clients/policy`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...ua.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body,
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

const register = () =>
  fetch(`${server.url}${REGISTER}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: ['http://127.0.0.1:9000/cb'],
      client_name: 'Inspector',
      token_endpoint_auth_method: 'none',
    }),
  });

describe('the registration policy on the Registered clients page', () => {
  test('every input of the policy form has a label, and no raw config key is shown', async () => {
    const ua = await signedIn();
    const page = await ua.follow(`${server.url}/admin/registered-clients`);
    assert.equal(page.status, 200);
    const form = /<form[^>]*registered-clients\/policy"[\s\S]*?<\/form>/.exec(page.body)![0];
    for (const id of [...form.matchAll(/<input[^>]*id="([^"]+)"/g)].map((m) => m[1]!))
      assert.match(form, new RegExp(`<label for="${id}"`), `input ${id} has a label`);
    // Checkboxes and radios sit inside their label.
    for (const input of form.matchAll(/<input[^>]*type="(checkbox|radio)"[^>]*>/g))
      assert.match(
        form,
        new RegExp(`<label class="check">${input[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    const text = form.replace(/<[^>]+>/g, ' ');
    for (const key of [
      'unused_lifetime',
      'rate_window',
      'token_endpoint_auth_methods',
      'initial_access_token',
    ])
      assert.doesNotMatch(text, new RegExp(key), `no raw key ${key} in the words`);
  });

  test('a form without its CSRF token is refused with 403 and the draft keeps no policy', async () => {
    const ua = await signedIn();
    const res = await ua.request(`${server.url}/admin/registered-clients/policy`, {
      form: { enabled: 'on', access: 'open' },
    });
    assert.equal(res.status, 403);
    const draft = await adminApi(server, await apiToken(server)).get('/registration/policy');
    assert.equal(draft.body.registration.enabled, false);
  });

  test('a bad host is refused on the page in words, with what was sent kept, and nothing saved', async () => {
    const ua = await signedIn();
    const refused = await postPolicy(ua, [
      ['enabled', 'on'],
      ['access', 'open'],
      ['hosts', 'good.example.com bad_host!'],
      ['scopes', 'openid'],
      ['grant_types', 'authorization_code'],
      ['auth_methods', 'none'],
      ['unused_days', '30'],
      ['rate_limit', '5'],
      ['rate_minutes', '60'],
    ]);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Registration policy: allowed redirect hosts/);
    assert.match(refused.body, /value="good.example.com bad_host!"/, 'the sent hosts are shown again');
    const again = await ua.follow(`${server.url}/admin/changes`);
    assert.doesNotMatch(again.body, /registration policy/i, 'nothing reached the draft');
  });

  test('no method of authentication left is refused with the field named', async () => {
    const ua = await signedIn();
    const refused = await postPolicy(ua, [
      ['enabled', 'on'],
      ['scopes', 'openid'],
    ]);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Registration policy: client authentication methods allowed/);
  });

  test('saved from the form and committed, the endpoint accepts registrations without a restart', async () => {
    assert.equal((await register()).status, 404, 'off before the commit');
    assert.equal((await json(await fetch(`${server.url}${DISCOVERY}`))).registration_endpoint, undefined);
    const ua = await signedIn();
    const saved = await postPolicy(ua, [
      ['enabled', 'on'],
      ['access', 'open'],
      ['hosts', ''],
      ['scopes', 'openid'],
      ['scopes', 'profile'],
      ['grant_types', 'authorization_code'],
      ['grant_types', 'refresh_token'],
      ['auth_methods', 'none'],
      ['unused_days', '7'],
      ['rate_limit', '0'],
      ['rate_minutes', '60'],
    ]);
    assert.equal(saved.status, 303, saved.body.slice(0, 400));
    const page = await ua.follow(`${server.url}/admin/registered-clients?saved=policy`);
    assert.match(page.body, /Registration policy saved to your draft/);
    assert.equal((await register()).status, 404, 'a draft is not live');

    const changes = await ua.follow(`${server.url}/admin/changes`);
    assert.match(changes.body, /registration policy/i, 'the draft shows the policy change');
    assert.match(changes.body, /anyone may register a client, without an initial access token/, 'the impact');
    const committed = await ua.submit(
      { ...changes, body: /<form[^>]*changes\/commit"[\s\S]*?<\/form>/.exec(changes.body)![0] },
      { message: 'open registration for MCP clients' },
    );
    assert.ok(committed.status < 400, committed.body.slice(0, 400));

    const made = await register();
    assert.equal(made.status, 201);
    const client = await json(made);
    assert.equal(client.token_endpoint_auth_method, 'none');
    assert.deepEqual(client.scope.split(' ').sort(), ['openid', 'profile']);
    const discovery = await json(await fetch(`${server.url}${DISCOVERY}`));
    assert.equal(discovery.registration_endpoint, `${server.url}${REGISTER}`);
    const row = await server.tessera.store.registration.find(client.client_id);
    assert.ok(row, 'stored as data');
    assert.ok((await server.tessera.store.config.current())?.snapshot.registration?.enabled);
  });

  test('the API turns registration off again; a commit makes the endpoint answer 404 at once', async () => {
    const api = adminApi(server, await apiToken(server));
    const changed = await api.patch('/registration/policy', { enabled: false });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.registration.enabled, false);
    assert.equal(changed.body.registration.access, 'open', 'fields not named stay');
    assert.equal((await api.post('/changes/commit', { message: 'registration off' })).status, 201);
    assert.equal((await register()).status, 404);
    assert.equal((await json(await fetch(`${server.url}${DISCOVERY}`))).registration_endpoint, undefined);
  });

  test('the API refuses an unknown field and an unknown API, and leaves the draft as it was', async () => {
    const api = adminApi(server, await apiToken(server, 'alice', 'refusals'));
    assert.equal((await api.patch('/registration/policy', { enabeld: true })).status, 400);
    assert.equal(
      (await api.patch('/registration/policy', { apis: ['https://nowhere.example'] })).status,
      400,
    );
    assert.equal((await api.get('/registration/policy')).body.registration.enabled, false);
  });
});
