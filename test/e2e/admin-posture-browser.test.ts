// The security posture in a real Chromium: a client's posture box, "Fix in draft" landing in the draft, and the summary page.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { ARTIFACTS, adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();

describe('security posture in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer({ config: { clients: [] } });
    await addAdmin(server);
    const api = adminApi(server, await apiToken(server));
    for (const client of [
      {
        client_id: 'partner',
        name: 'Partner portal',
        redirect_uris: ['https://partner.example.net/cb', 'https://*.partner.example.net/cb'],
        allow_plain_pkce: true,
        access_token_lifetime: 7200,
      },
      {
        client_id: 'mobile',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://localhost:8080/cb'],
        refresh_token: { rotation: false },
      },
      { client_id: 'tidy', redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' },
    ]) {
      assert.equal((await api.post('/clients', client)).status, 201);
    }
    assert.equal((await api.post('/changes/commit', { message: 'three clients' })).status, 201);
    browser = await launchBrowser();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the client page lists each warning with its reference; "Fix in draft" changes the draft only', async () => {
    await page.goto(`${server.url}/admin/clients/partner`);
    const box = page.locator('#posture');
    assert.equal(await box.getByRole('heading', { level: 2 }).textContent(), 'Security posture');
    const text = (await box.textContent()) ?? '';
    assert.match(text, /high.*Users are never asked/s);
    assert.match(text, /RFC 9700 §2\.1\.1/);
    await box.screenshot({ path: join(ARTIFACTS, 'admin-posture-client.png') });

    const before = await server.tessera.store.config.currentId();
    await box.getByRole('button', { name: 'Fix in draft: accept S256 only' }).click();
    await page.waitForURL(/saved=posture/);
    assert.match((await page.getByRole('status').textContent()) ?? '', /Saved to your draft/);
    assert.equal(
      await page
        .locator('#posture')
        .getByRole('button', { name: /accept S256 only/ })
        .count(),
      0,
    );
    assert.equal(await server.tessera.store.config.currentId(), before, 'nothing was committed');
  });

  test('the Posture page lists every live client’s warnings and marks the one fixed in the draft', async () => {
    await page.getByRole('link', { name: 'Posture' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Security posture');
    const main = (await page.locator('main').textContent()) ?? '';
    assert.match(main, /partner/);
    assert.match(main, /mobile/);
    assert.match(main, /fixed in your draft/);
    assert.match(main, /No warnings: tidy/);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-posture.png'), fullPage: true });
  });
});
