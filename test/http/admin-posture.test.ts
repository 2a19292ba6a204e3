// Security posture over HTTP: the admin API reports live warnings, the client page's "Fix in draft" button needs its CSRF token, and a fix lands in the draft, never a commit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

let server: TestServer;
let api: AdminApi;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server);
  api = adminApi(server, await apiToken(server));
  const created = await api.post('/clients', {
    client_id: 'partner',
    redirect_uris: ['https://partner.example.net/cb', 'https://*.partner.example.net/cb'],
    allow_plain_pkce: true,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(
    (
      await api.post('/clients', {
        client_id: 'tidy',
        redirect_uris: ['http://127.0.0.1:9/cb'],
        token_endpoint_auth_method: 'none',
      })
    ).status,
    201,
  );
  assert.equal((await api.post('/changes/commit', { message: 'partner and tidy' })).status, 201);
});
after(() => server.close());

const rules = (warnings: { rule: string }[]) => warnings.map((w) => w.rule).sort();

describe('admin API', () => {
  test('GET /posture lists every live client with its warnings and the counts by severity', async () => {
    const res = await api.get('/posture');
    assert.equal(res.status, 200);
    const partner = res.body.clients.find((c: { client_id: string }) => c.client_id === 'partner');
    assert.deepEqual(rules(partner.warnings), [
      'consent-off-third-party',
      'pkce-not-required',
      'pkce-plain',
      'redirect-wildcard',
    ]);
    assert.equal(partner.warnings[0].severity, 'high', 'most severe first');
    assert.deepEqual(
      res.body.clients.find((c: { client_id: string }) => c.client_id === 'tidy').warnings,
      [],
    );
    assert.deepEqual(res.body.counts, { high: 2, medium: 2, low: 0 });
  });

  test('GET /clients/{id}/posture answers one live client, 404 for an unknown one', async () => {
    const res = await api.get('/clients/partner/posture');
    assert.equal(res.status, 200);
    assert.equal(
      res.body.warnings.find((w: { rule: string }) => w.rule === 'pkce-plain').reference,
      'RFC 9700 §2.1.1, RFC 7636 §7.2',
    );
    assert.equal((await api.get('/clients/nobody/posture')).status, 404);
  });

  test('POST …/fix applies the fix to the caller’s draft and commits nothing; the live report is unchanged', async () => {
    const before = await server.tessera.store.config.currentId();
    const res = await api.post('/clients/partner/posture/consent-off-third-party/fix');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.client.consent_required, true);
    assert.equal(res.body.applied.rule, 'consent-off-third-party');
    assert.equal(await server.tessera.store.config.currentId(), before, 'no new revision');
    const draft = await api.get('/changes');
    assert.match(JSON.stringify(draft.body), /consent_required/);
    assert.ok(
      rules((await api.get('/clients/partner/posture')).body.warnings).includes('consent-off-third-party'),
    );
    assert.equal(
      (await api.post('/clients/partner/posture/consent-off-third-party/fix')).status,
      404,
      'already fixed in the draft',
    );
    assert.equal((await api.post('/clients/partner/posture/no-such-rule/fix')).status, 404);
    assert.equal((await api.delete('/changes')).status, 204);
  });

  test('the operations are in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/admin/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    assert.ok(doc.paths['/posture'].get);
    assert.ok(doc.paths['/clients/{client_id}/posture'].get);
    assert.ok(doc.paths['/clients/{client_id}/posture/{warning_id}/fix'].post);
  });
});

describe('admin web UI', () => {
  async function loggedIn(): Promise<UserAgent> {
    const ua = new UserAgent();
    const form = await ua.follow(`${server.url}/admin/login`);
    const done = await ua.submit(form, { username: 'alice', password: ADMIN_PASSWORD });
    assert.equal(done.status, 200);
    return ua;
  }

  test('the client page shows a Security posture box; a fix without the CSRF token is refused and changes nothing', async () => {
    const ua = await loggedIn();
    const page = await ua.request(`${server.url}/admin/clients/partner`);
    assert.match(page.body, /<h2 id="h-posture">Security posture<\/h2>/);
    assert.match(page.body, /Fix in draft/);
    assert.match(page.body, /RFC 9700 §2\.1\.1/);
    const refused = await ua.request(`${server.url}/admin/clients/partner/posture/fix`, {
      form: { warning: 'pkce-plain' },
    });
    assert.equal(refused.status, 403);
    assert.equal((await api.get('/changes')).body.changes?.length ?? 0, 0, 'the draft is untouched');
  });

  test('"Fix in draft" puts the change in the draft, not in a commit, and the warning leaves the box', async () => {
    const ua = await loggedIn();
    const page = await ua.request(`${server.url}/admin/clients/partner`);
    const forms = [
      ...page.body.matchAll(/<form[^>]*action="([^"]*\/posture\/fix)"[^>]*>([\s\S]*?)<\/form>/g),
    ];
    const form = forms.find((f) => f[2]!.includes('value="pkce-plain"'));
    assert.ok(form, 'a fix button for pkce-plain');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form[2]!)![1]!;
    const before = await server.tessera.store.config.currentId();
    const res = await ua.request(new URL(unescapeHtml(form[1]!), server.url).href, {
      form: { _csrf: unescapeHtml(csrf), warning: 'pkce-plain' },
    });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /\/admin\/clients\/partner\?saved=posture/);
    assert.equal(await server.tessera.store.config.currentId(), before, 'nothing committed');
    const after = await ua.request(new URL(res.headers.get('location')!, server.url).href);
    assert.match(after.body, /Saved to your draft/);
    assert.doesNotMatch(after.body, /value="pkce-plain"/);
    const summary = await ua.request(`${server.url}/admin/posture`);
    assert.equal(summary.status, 200);
    assert.match(summary.body, /<h1>Security posture<\/h1>/);
    assert.match(summary.body, /fixed in your draft/, 'the live warning is marked as fixed in the draft');
    assert.match(
      summary.body,
      /href="\/admin\/posture" aria-current="page"|aria-current="page"[^>]*href="\/admin\/posture"/,
    );
  });
});
