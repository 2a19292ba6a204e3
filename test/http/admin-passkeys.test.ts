// Passkey authenticators through the admin: the Authenticators page creates one and changes its settings,
// the REST API creates one, and a commit refuses a passkey with passwordless off as a policy's first step.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ADMIN_PASSWORD, type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { findForm } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
let api: AdminApi;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
});
after(() => server.close());
beforeEach(async () => {
  await api.delete('/changes');
});

describe('admin: passkey authenticators', () => {
  test('the Authenticators page creates a passkey (UV required, passwordless on) and saves its settings', async () => {
    const ua = await adminUi();
    const page = await ua.request(`${server.url}/admin/authenticators`);
    assert.match(page.body, /value="passkey"/);
    const form = findForm(page, /\/admin\/authenticators$/);
    const created = await ua.request(form.action, {
      form: { ...form.fields, id: 'passkeys', type: 'passkey', passwordless: 'on' },
    });
    assert.equal(created.status, 303, created.body.slice(0, 300));
    const listed = await ua.request(`${server.url}/admin/authenticators`);
    assert.match(listed.body, /Passkeys: sign in without a password/);
    assert.match(listed.body, /name="user_verification" value="required" checked/);
    assert.match(
      listed.body,
      /name="passwordless" value="on" checked> A passkey alone signs people in \(the login/,
    );
    const edit = findForm(listed, /\/admin\/authenticators\/passkeys$/);
    const saved = await ua.request(edit.action, {
      form: { ...edit.fields, type: 'passkey', user_verification: 'preferred' },
    });
    assert.equal(saved.status, 303);
    const after = (await ua.request(`${server.url}/admin/authenticators`)).body;
    assert.match(after, /name="user_verification" value="preferred" checked/);
    assert.doesNotMatch(
      after,
      /name="passwordless" value="on" checked> A passkey alone signs people in \(the login/,
    );
  });

  test('a commit with a passwordless-off passkey as the first step is refused, naming the path', async () => {
    assert.equal(
      (await api.post('/authenticators', { id: 'keys', type: 'passkey', passwordless: false })).status,
      201,
    );
    await api.post('/policies', { id: 'bad', steps: [['keys']] });
    const commit = await api.post('/changes/commit', { message: 'passkey first' });
    assert.equal(commit.status, 422, JSON.stringify(commit.body));
    assert.match(JSON.stringify(commit.body), /passwordless off/);
  });
});

async function adminUi(): Promise<UserAgent> {
  const ua = new UserAgent();
  const done = await ua.submit(await ua.follow(`${server.url}/admin/login`), {
    username: 'alice',
    password: ADMIN_PASSWORD,
  });
  assert.equal(done.status, 200, done.body.slice(0, 200));
  return ua;
}
