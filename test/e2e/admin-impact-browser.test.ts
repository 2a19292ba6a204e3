// Commit impact in Chromium: the Changes page and the rollback preview, with counts from a seeded store, screenshotted.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { clientSchema } from '../../src/config/schema-client.ts';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiClient, apiToken } from '../fixtures/admin.ts';
import { ARTIFACTS, adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { draftFor, seedLiveGrants } from '../fixtures/impact-seed.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });

describe('commit impact in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let beforeWww = 0;

  before(async () => {
    server = await startServer({ config: { clients: [] } });
    await addAdmin(server, 'alice');
    const api = adminApi(server, await apiToken(server, 'alice', 'impact'));
    await api.post('/clients', apiClient('app'));
    beforeWww = (await api.post('/changes/commit', { message: 'add app' })).body.revision.id;
    await api.post('/clients', apiClient('www', { scopes: ['openid', 'offline_access'], name: 'WWW' }));
    await api.post('/changes/commit', { message: 'add www' });
    const store = server.tessera.store;
    await seedLiveGrants(store, {
      clientId: 'www',
      users: 240,
      consented: 202,
      scope: 'openid offline_access',
    });
    browser = await launchBrowser();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the Changes page: a new client folded into one line, and what the commit does to live data', async () => {
    // A new client as the wizard stores it: the schema fills in every default.
    const shop = clientSchema.parse({
      client_id: 'shop',
      name: 'Shop',
      redirect_uris: ['https://shop.example/cb'],
      secret_hash: 'hmac-sha256:shown-only-as-a-fact',
      scopes: ['openid', 'profile', 'email'],
    });
    await draftFor(server.tessera.store, 'alice', (s) => ({
      ...s,
      clients: [
        ...s.clients.map((c) =>
          c.client_id === 'www' ? { ...c, scopes: ['openid'], consent_required: true } : c,
        ),
        shop,
      ],
    }));
    await page.goto(`${server.url}/admin/changes`);
    const impact = page.locator('#impact-draft');
    await impact.waitFor();
    const words = (await impact.textContent())!.replace(/\s+/g, ' ');
    assert.match(words, /1 client loses offline_access/);
    assert.match(words, /38 users will be asked for consent again/);
    assert.match(words, /240 live refresh tokens that carry it keep it/);
    const added = page.locator('.diff > li', { hasText: 'shop' });
    assert.match(
      (await added.locator('.diff-head').textContent())!,
      /\(Code Flow, secret with HTTP Basic, 3 scopes\)\s*— \d+ defaults/,
    );
    assert.equal(
      await added.locator('details.diff-defaults').getAttribute('open'),
      null,
      'defaults start folded',
    );
    await shot(page, 'changes-impact');
  });

  test('an older revision shows the rollback diff and its impact before the button', async () => {
    await page.goto(`${server.url}/admin/history/${beforeWww}`);
    const impact = page.locator('#impact-rollback');
    await impact.waitFor();
    assert.match(
      (await impact.textContent())!,
      /client www is removed: its 240 live grants end; 240 refresh tokens and [0-9,]+ access tokens? become unusable/,
    );
    const button = page.getByRole('button', { name: `Roll back to revision ${beforeWww}` });
    const [impactBox, buttonBox] = [await impact.boundingBox(), await button.boundingBox()];
    assert.ok(impactBox && buttonBox && impactBox.y < buttonBox.y, 'the impact is read before the button');
    await shot(page, 'rollback-preview');
  });
});
