// The Audit log page in a real Chromium: filters by user, event and time, from the keyboard; older pages; a screenshot.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { ARTIFACTS, adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const skip = chromiumMissing();
const LOGIN = '/authn/authenticate/html-form/username-password';

describe('audit log in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const rows = async () => page.locator('#audit-events tbody tr').allTextContents();

  before(async () => {
    server = await startServer();
    await addAdmin(server);
    // Sixty old events of another account first, so the newest page is the real ones and paging has work.
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 60; i++)
      await server.tessera.store.audit.record({
        type: 'login.failed',
        at: now - 86_400 * 3 + i,
        accountId: 'bulk',
        address: '192.0.2.10',
        detail: { factor: 'username-password' },
      });
    await signUp(server, 'carol');
    for (const password of ['wrong one', 'wrong two']) {
      const agent = new UserAgent();
      await agent.submit(await agent.request(server.url + LOGIN), { username: 'carol', password });
    }
    const api = adminApi(server, await apiToken(server));
    assert.equal((await api.post('/scopes', { name: 'reports' })).status, 201);
    assert.equal((await api.post('/changes/commit', { message: 'add reports' })).status, 201);
    browser = await launchBrowser();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the nav leads to the page; it lists the newest events first in plain words', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${server.url}/admin/audit`);
    const all = await rows();
    assert.equal(all.length, 50, 'one page');
    assert.match(all[0] ?? '', /Configuration committed.*alice \(API token "tests"\).*Revision: \d+/);
    assert.match(all[1] ?? '', /Login failed.*carol/);
    assert.match(all[3] ?? '', /Account created.*carol/);
    assert.doesNotMatch(all.join('\n'), /login\.failed|config\.committed|account\.created/);
  });

  test('filters by user and event from the keyboard: Enter in the user field submits', async () => {
    await page.getByLabel('Event', { exact: true }).selectOption({ label: 'Login failed' });
    await page.getByLabel('User').fill('carol');
    await page.getByLabel('User').press('Enter');
    await page.waitForURL(/user=carol/);
    const found = await rows();
    assert.equal(found.length, 2);
    for (const row of found)
      assert.match(row, /Login failed.*carol.*127\.0\.0\.1.*Authenticator: username-password/);
    assert.equal(await page.getByLabel('User').inputValue(), 'carol', 'the filter stays filled in');
    await page.locator('#audit-events').screenshot({ path: join(ARTIFACTS, 'admin-audit-filtered.png') });
  });

  test('a time range before every event finds none, and Clear filters shows them all again', async () => {
    await page.getByLabel('To').fill('2000-01-01T00:00');
    await page.getByRole('button', { name: 'Show events' }).click();
    await page.waitForURL(/to=2000/);
    assert.equal(await page.locator('#audit-empty').textContent(), 'No events match these filters.');
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL(`${server.url}/admin/audit`);
    assert.equal((await rows()).length, 50);
  });

  test('Older events pages back through the log, and Newest events returns', async () => {
    await page.getByRole('link', { name: 'Older events' }).click();
    await page.waitForURL(/before=\d+/);
    const older = await rows();
    assert.equal(older.length, 64 - 50, 'the rest of the 64 events');
    for (const row of older) assert.match(row, /Login failed.*bulk/);
    assert.equal(await page.getByRole('link', { name: 'Older events' }).count(), 0, 'the last page');
    await page.getByRole('link', { name: 'Newest events' }).click();
    assert.match((await rows())[0] ?? '', /Configuration committed/);
  });

  test('screenshot of the page filtered to one user', async () => {
    await page.goto(`${server.url}/admin/audit?user=carol`);
    // Copied by hand to docs/images/ for docs/admin.md.
    await page.screenshot({ path: join(ARTIFACTS, 'admin-audit.png'), fullPage: true });
    assert.equal((await rows()).length, 3);
  });
});
