// The admin UI's Sign-in policies page and the client page's policy choice, over HTTP with a real login and CSRF.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

let server: TestServer;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
});
after(() => server.close());

async function submitForm(ua: UserAgent, page: Response, action: RegExp, fields: Record<string, string>) {
  const forms = [...page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => action.test(unescapeHtml(f[1]!)) && f[2]!.includes('name="_csrf"'));
  assert.ok(form, `a form posting to ${action}`);
  return ua.submit({ ...page, body: form[0] }, fields);
}

test('an admin creates a TOTP authenticator and a policy from the pages, then picks it on a client page', async () => {
  // The client comes committed from the API (drafts are per principal); the rest is done on the pages.
  const api = adminApi(server, await apiToken(server));
  assert.equal((await api.post('/clients', apiClient('bank'))).status, 201);
  assert.equal((await api.post('/changes/commit', { message: 'bank' })).status, 201);
  const ua = new UserAgent();
  await ua.submit(await ua.follow(`${server.url}/admin/login`), {
    username: 'alice',
    password: ADMIN_PASSWORD,
  });

  const authenticators = await ua.follow(`${server.url}/admin/authenticators`);
  const made = await submitForm(ua, authenticators, /\/admin\/authenticators$/, {
    id: 'app-codes',
    type: 'totp',
    issuer: 'Acme',
  });
  assert.equal(made.status, 200, made.body.slice(0, 300));
  assert.match(made.body, /Authenticator app codes \(TOTP\): a second step/);

  const page = await ua.follow(`${server.url}/admin/policies`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<h1>Sign-in policies<\/h1>/);
  for (const id of [...page.body.matchAll(/<input[^>]*id="([^"]+)"/g)].map((m) => m[1]!))
    assert.match(page.body, new RegExp(`<label for="${id}"`), `input ${id} has a label`);
  assert.doesNotMatch(
    /Step 1: sign in with<\/legend>([\s\S]*?)<\/fieldset>/.exec(page.body)![1]!,
    /app-codes/,
    'a second factor is not offered as the first step',
  );
  const saved = await submitForm(ua, page, /\/admin\/policies$/, {
    id: 'mfa',
    name: 'Password and app code',
    step1: 'username-password',
    step2: 'app-codes',
    enrol: 'on',
  });
  assert.equal(saved.status, 200);
  assert.match(saved.body, /Policy <code>mfa<\/code> saved to your draft/);
  assert.match(
    saved.body,
    /<li>username-password \(username and password\)<\/li>\s*<li>app-codes \(authenticator app code\)<\/li>/,
  );
  assert.match(saved.body, /urn:tessera:policy:mfa/);

  const client = await ua.follow(`${server.url}/admin/clients/bank`);
  assert.match(client.body, /<label for="default-policy-select">Default sign-in policy<\/label>/);
  const picked = await submitForm(ua, client, /\/admin\/clients\/bank$/, {
    section: 'authenticator',
    authenticator: 'username-password',
    default_policy: 'mfa',
  });
  assert.ok(picked.status < 400, picked.body.slice(0, 300));
  const changes = await ua.follow(`${server.url}/admin/changes`);
  const committed = await submitForm(ua, changes, /\/admin\/changes\/commit$/, { message: 'MFA for bank' });
  assert.ok(committed.status < 400, committed.body.slice(0, 500));
  const live = server.tessera.live();
  assert.deepEqual(
    live.clients.get('bank')?.policies.map((p) => p.id),
    ['mfa'],
    'live after the commit',
  );
  assert.equal(live.policies.get('mfa')?.acr, 'urn:tessera:policy:mfa');
});

test('a policy with a missing first step is refused on the page with the reason, nothing saved', async () => {
  const ua = new UserAgent();
  await ua.submit(await ua.follow(`${server.url}/admin/login`), {
    username: 'alice',
    password: ADMIN_PASSWORD,
  });
  const page = await ua.follow(`${server.url}/admin/policies`);
  const refused = await submitForm(ua, page, /\/admin\/policies$/, { id: 'empty', name: 'Nothing' });
  assert.equal(refused.status, 400);
  assert.match(refused.body, /a step needs at least one authenticator/);
});
