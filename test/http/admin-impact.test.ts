// Admin UI: the Changes page and a revision's rollback box show the change's impact on live data, counted from the store.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { draftFor, seedLiveGrants } from '../fixtures/impact-seed.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

let server: TestServer;
let ua: UserAgent;
let beforeWww: number;
let withWww: number;
before(async () => {
  server = await startServer({ config: { clients: [] } });
  await addAdmin(server, 'alice');
  const api = adminApi(server, await apiToken(server, 'alice', 'impact'));
  await api.post('/clients', apiClient('app'));
  beforeWww = (await api.post('/changes/commit', { message: 'add app' })).body.revision.id;
  await api.post('/clients', apiClient('www', { scopes: ['openid', 'offline_access'] }));
  withWww = (await api.post('/changes/commit', { message: 'add www' })).body.revision.id;
  await seedLiveGrants(server.tessera.store, {
    clientId: 'www',
    users: 1204,
    consented: 1166,
    scope: 'openid offline_access',
  });
  ua = new UserAgent();
  const form = await ua.follow(`${server.url}/admin/login`);
  assert.equal((await ua.submit(form, { username: 'alice', password: ADMIN_PASSWORD })).status, 200);
});
after(() => server.close());

/** The page's text with tags dropped, so sentences read as a person sees them. */
const text = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

describe('the Changes page', () => {
  test('taking offline_access away and turning consent on: the counts come from the store', async () => {
    await draftFor(server.tessera.store, 'alice', (s) => ({
      ...s,
      clients: s.clients.map((c) =>
        c.client_id === 'www' ? { ...c, scopes: ['openid'], consent_required: true } : c,
      ),
    }));
    const page = await ua.follow(`${server.url}/admin/changes`);
    assert.equal(page.status, 200);
    const words = text(page.body);
    assert.match(words, /What the commit does to live data/);
    assert.match(words, /1 client loses offline_access/);
    assert.match(words, /38 users will be asked for consent again/);
    assert.match(
      words,
      /www loses offline_access: new authorization requests for it are refused; 1,204 live refresh tokens that carry it keep it/,
    );
    assert.match(words, /www now asks for consent: 38 users with live grants never consented/);
  });

  test('removing the client: "client www is removed: its 1,204 live grants end" and the refresh tokens with them', async () => {
    await server.tessera.store.admin.drafts.delete('admin:alice');
    await draftFor(server.tessera.store, 'alice', (s) => ({
      ...s,
      clients: s.clients.filter((c) => c.client_id !== 'www'),
    }));
    const words = text((await ua.follow(`${server.url}/admin/changes`)).body);
    assert.match(words, /1,204 refresh tokens and [0-9,]+ access tokens? become unusable/);
    assert.match(words, /client www is removed: its 1,204 live grants end/);
    await server.tessera.store.admin.drafts.delete('admin:alice');
  });

  test('a change to a client nobody uses says nothing live changes', async () => {
    await draftFor(server.tessera.store, 'alice', (s) => ({
      ...s,
      clients: s.clients.map((c) => (c.client_id === 'app' ? { ...c, name: 'App' } : c)),
    }));
    const words = text((await ua.follow(`${server.url}/admin/changes`)).body);
    assert.match(words, /Nothing live changes: no stored grant, token, consent or session is affected/);
    await server.tessera.store.admin.drafts.delete('admin:alice');
  });
});

describe('the rollback preview', () => {
  test("an older revision's page shows, before the button, that rolling back removes www and ends its grants", async () => {
    const page = await ua.follow(`${server.url}/admin/history/${beforeWww}`);
    assert.equal(page.status, 200);
    const words = text(page.body);
    assert.match(words, new RegExp(`What rolling back changes, compared with live revision ${withWww}`));
    assert.match(words, /removed client www/);
    assert.match(words, /What the rollback does to live data/);
    assert.match(
      words,
      /client www is removed: its 1,204 live grants end; 1,204 refresh tokens and [0-9,]+ access tokens? become unusable/,
    );
    assert.ok(
      words.indexOf('What the rollback does to live data') <
        words.indexOf(`Roll back to revision ${beforeWww}`),
      'the impact comes before the rollback button',
    );
  });

  test('the live revision has no rollback box and no preview', async () => {
    const words = text((await ua.follow(`${server.url}/admin/history/${withWww}`)).body);
    assert.doesNotMatch(words, /What rolling back changes|What the rollback does/);
  });
});
