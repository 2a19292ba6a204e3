// The registration policy form in a real Chromium: found by its labels, changed from the keyboard, saved to the draft,
// committed on Changes (the diff in words), then obeyed by the endpoint; screenshot docs/images/admin-registration-policy.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();

describe('the registration policy in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const register = () =>
    fetch(`${server.url}/oauth/v2/oauth-registration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'MCP inspector',
        redirect_uris: ['http://localhost:6274/oauth/callback'],
        token_endpoint_auth_method: 'none',
      }),
    });

  before(async () => {
    server = await startServer({ config: { clients: [] } });
    await addAdmin(server);
    browser = await launchBrowser();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the form is filled from the keyboard by its labels and saved to the draft', async () => {
    await page.goto(`${server.url}/admin/registered-clients`);
    const section = page.locator('section', { hasText: 'Registration policy' });
    assert.match((await section.textContent()) ?? '', /Dynamic registration is off now/);
    const on = page.getByLabel('Let clients register themselves');
    await on.focus();
    await page.keyboard.press('Space');
    assert.equal(await on.isChecked(), true);
    await page.getByLabel('Anyone').focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Hosts redirect addresses may point at').fill('localhost *.example.com');
    await page.getByLabel('email').uncheck();
    await page.getByLabel('Remove a client unused for').fill('14');
    await page.getByLabel('Registrations one address may make').fill('20');
    const text = (await section.textContent()) ?? '';
    assert.doesNotMatch(text, /unused_lifetime|rate_window|token_endpoint_auth_methods|redirect_uri_hosts/);
    await page.screenshot({
      path: join(process.cwd(), 'docs', 'images', 'admin-registration-policy.png'),
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Save to draft' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Registration policy saved to your draft').waitFor();
    assert.equal((await register()).status, 404, 'nothing is live before the commit');
  });

  test('Changes shows the policy in words; the commit makes the endpoint accept registrations', async () => {
    await page.getByRole('link', { name: 'Review and commit' }).click();
    await page.waitForURL(/\/admin\/changes$/);
    const diff = (await page.locator('.diff').textContent()) ?? '';
    assert.match(diff, /registration policy/i);
    assert.match(diff, /who may register/);
    assert.doesNotMatch(diff, /unused_lifetime|rate_limit/, 'fields in the words of the page');
    await page.getByLabel('Commit message').fill('Open registration for MCP clients');
    await page.getByRole('button', { name: 'Commit' }).click();
    await page.waitForURL(/\/admin\/history\/\d+\?committed=1$/);
    const made = await register();
    assert.equal(made.status, 201);
    await page.goto(`${server.url}/admin/registered-clients`);
    const policy = (await page.locator('section', { hasText: 'Registration policy' }).textContent()) ?? '';
    assert.match(policy, /Anyone may register a client\./);
    assert.match(policy, /A registered client unused for 14 days is removed\./);
    assert.match((await page.locator('table').first().textContent()) ?? '', /MCP inspector/);
  });
});
