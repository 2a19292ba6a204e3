// The flow explorer in a real Chromium: a full code flow driven from /admin/tools, then a failing one that names its failed check.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { ARTIFACTS, adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';

const skip = chromiumMissing();
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `tools-${name}.png`), fullPage: true });

describe('the flow explorer in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let callback: string;

  before(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/admin/tools/callback`;
    server = await startServer({
      port,
      config: { clients: [{ ...wwwClient, redirect_uris: [...wwwClient.redirect_uris, callback] }] },
    });
    await addAdmin(server);
    await signUp(server, 'dana');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await strictPage(browser, context);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a full flow: compose, run, log in, the checks at the callback, the code exchanged, the ID token verified, UserInfo', async () => {
    await page.getByRole('link', { name: 'Flow explorer' }).click();
    await page.waitForURL(`${server.url}/admin/tools`);
    await page.getByLabel('Existing client', { exact: true }).selectOption('www');
    await page.getByLabel('scope', { exact: true }).fill('openid profile');
    await shot(page, 'compose');
    await page.getByRole('button', { name: 'Run' }).click();
    // The end user's login page of the Authentication Service, then back to the explorer's callback.
    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/admin\/tools\/callback\?/);
    const checks = page.locator('table.trace').last();
    for (const name of ['client', 'redirect_uri', 'scope', 'pkce', 'code issued'])
      await checks.getByRole('cell', { name, exact: true }).waitFor();
    assert.equal(await page.locator('tr.failed').count(), 0, 'no check failed');
    await shot(page, 'callback');
    await page.getByLabel(/Client secret/).fill(WWW_SECRET);
    await page.getByRole('button', { name: 'Exchange the code at the token endpoint' }).click();
    await page.getByRole('heading', { name: 'Token request (authorization_code): 200' }).waitFor();
    const idChecks = page.locator('#h-idtoken + .table-wrap');
    for (const check of ['signature', 'iss', 'aud', 'azp', 'exp', 'nonce', 'at_hash']) {
      const row = idChecks
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: check, exact: true }) });
      assert.equal(await row.getByRole('cell').nth(1).textContent(), 'ok', `${check} verified`);
    }
    assert.ok(!(await page.content()).includes(WWW_SECRET), 'the secret is not on the page');
    await shot(page, 'tokens');
    await page.getByLabel(/Client secret \(this call only\)/).fill(WWW_SECRET);
    await page.getByRole('button', { name: 'UserInfo' }).click();
    await page.getByRole('heading', { name: 'UserInfo: 200' }).waitFor();
    assert.match((await page.locator('section.exchange pre').last().textContent()) ?? '', /"sub"/);
    await shot(page, 'userinfo');
  });

  test('a throwaway client: created for the run, the code exchanged without typing a secret, removed on Finish', async () => {
    await page.goto(`${server.url}/admin/tools`);
    await page.getByLabel(/A throwaway test client/).check();
    await page.getByRole('button', { name: 'Run' }).click();
    // dana is still logged in from the full flow: the browser comes straight back (it logs in when run alone).
    await page.waitForURL(/\/admin\/tools\/callback\?|login/);
    if (!page.url().includes('/admin/tools/callback')) {
      await page.getByLabel('Username').fill('dana');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/admin\/tools\/callback\?/);
    }
    const clientId = (await page.locator('#h-finish ~ p code').first().textContent()) ?? '';
    assert.match(clientId, /^explorer-[0-9a-f]{8}$/);
    assert.equal(await page.getByLabel(/Client secret/).count(), 0, 'no secret asked for');
    await page.getByRole('button', { name: 'Exchange the code at the token endpoint' }).click();
    await page.getByRole('heading', { name: 'Token request (authorization_code): 200' }).waitFor();
    await page.locator('#h-finish').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'tools-throwaway.png') });
    await page.getByRole('button', { name: 'Finish and remove the test client' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${clientId} was removed in revision` })
      .waitFor();
    assert.ok(!server.tessera.live().clients.has(clientId), 'the client is gone');
  });

  test('a failing flow: a redirect_uri with a trailing slash stays in the explorer and names the failed check and its fix', async () => {
    await page.goto(`${server.url}/admin/tools`);
    await page.getByLabel('Existing client', { exact: true }).selectOption('www');
    await page.getByLabel('redirect_uri', { exact: true }).fill(`${callback}/`);
    await page.getByRole('button', { name: 'Run' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    assert.match(text, /Check redirect_uri failed/);
    assert.match(text, /trailing slash/);
    assert.equal(await page.locator('tr.failed td').nth(2).textContent(), 'redirect_uri');
    await shot(page, 'failed');
  });

  test('request traces: a request id looked up shows its checks', async () => {
    await page.goto(`${server.url}/admin/tools/traces`);
    await page.getByRole('row').nth(1).getByRole('link').click();
    await page.getByRole('heading', { name: /Checks of/ }).waitFor();
    await shot(page, 'traces');
  });
});
