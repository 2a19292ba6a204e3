// The admin's Sign-in policies page in Chromium: a policy created from the form with its labels, then listed
// in words; screenshot docs/images/admin-policies.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();

describe('Sign-in policies in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startServer({ config: { clients: [] } });
    await addAdmin(server);
    const api = adminApi(server, await apiToken(server));
    await api.post('/authenticators', { id: 'app-codes', type: 'totp', issuer: 'Acme' });
    await api.post('/changes/commit', { message: 'app codes' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a policy made from the form: id, name, steps by their labels; listed with its steps and acr', async () => {
    const page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Sign-in policies' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign-in policies');
    await page.locator('#policy-id').fill('mfa');
    await page.getByLabel('Name', { exact: true }).fill('Password and app code');
    await page
      .getByRole('group', { name: /Step 1/ })
      .getByLabel(/username-password/)
      .check();
    await page
      .getByRole('group', { name: /Step 2/ })
      .getByLabel(/app-codes/)
      .check();
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.waitForSelector('.banner.ok');
    const box = page.getByRole('region', { name: /Password and app code/ });
    assert.match((await box.textContent()) ?? '', /app-codes \(authenticator app code\)/);
    assert.match((await box.textContent()) ?? '', /urn:tessera:policy:mfa/);
    await page.screenshot({
      path: join(process.cwd(), 'docs', 'images', 'admin-policies.png'),
      fullPage: true,
    });
  });
});
