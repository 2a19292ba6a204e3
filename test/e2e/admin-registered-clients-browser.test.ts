// The Registered clients page in a real Chromium: the policy in words, who registered each client, disable and
// delete from the keyboard, an initial access token created (shown once) and revoked; a screenshot.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { ARTIFACTS, adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();

describe('registered clients in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const rows = () => page.locator('table').first().locator('tbody tr').allTextContents();

  before(async () => {
    server = await startServer({ config: { server: { registration: { enabled: true, access: 'open' } } } });
    await addAdmin(server);
    for (const name of ['Reports dashboard', 'MCP inspector']) {
      const res = await fetch(`${server.url}/oauth/v2/oauth-registration`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: name, redirect_uris: ['https://app.example/cb'] }),
      });
      assert.equal(res.status, 201);
    }
    browser = await launchBrowser();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the nav leads to the page; it states the policy in plain words and lists who registered each client', async () => {
    await page.getByRole('link', { name: 'Registered clients' }).click();
    await page.waitForURL(`${server.url}/admin/registered-clients`);
    const policy = await page.locator('section', { hasText: 'Registration policy' }).textContent();
    assert.match(policy ?? '', /Anyone may register a client\./);
    assert.doesNotMatch(policy ?? '', /redirect_uri_hosts|rate_limit|unused_lifetime/, 'no config keys');
    const all = await rows();
    assert.equal(all.length, 2);
    const mcp = all.find((row) => row.includes('MCP inspector')) ?? '';
    assert.match(mcp, /MCP inspector.*open registration.*never.*enabled/s);
  });

  test('Disable from the keyboard marks the client disabled; Delete removes it', async () => {
    await page.getByRole('button', { name: 'Disable client MCP inspector' }).focus();
    await page.keyboard.press('Enter');
    // The same URL after the redirect: wait for what the new page says, not for the address.
    await page.getByRole('button', { name: 'Enable client MCP inspector' }).waitFor();
    assert.match((await rows()).find((row) => row.includes('MCP inspector')) ?? '', /disabled/);
    await page.getByRole('button', { name: 'Delete client Reports dashboard' }).click();
    await page
      .getByRole('button', { name: 'Delete client Reports dashboard' })
      .waitFor({ state: 'detached' });
    assert.deepEqual((await rows()).length, 1);
  });

  test('an initial access token is shown once after creation, works, and can be revoked', async () => {
    await page.getByLabel('Label').fill('partner portal');
    await page.getByLabel('Registrations allowed').fill('5');
    await page.getByLabel('Expires after').selectOption('week');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('#initial-access-token').textContent())?.trim() ?? '';
    assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-registered-clients.png'), fullPage: true });
    await page.goto(`${server.url}/admin/registered-clients`);
    assert.equal(await page.locator('#initial-access-token').count(), 0, 'never shown again');
    assert.match((await page.locator('table').last().textContent()) ?? '', /partner portal.*5.*usable/s);
    await page.getByRole('button', { name: 'Revoke token partner portal' }).click();
    await page.getByRole('button', { name: 'Revoke token partner portal' }).waitFor({ state: 'detached' });
    assert.match((await page.locator('table').last().textContent()) ?? '', /partner portal.*revoked/s);
  });
});
