// Adding "Sign in with another provider" in a real Chromium: the form found by its labels, the redirect URI
// following the identifier with a working copy button, Check provider against a discovery document on loopback,
// saved, then committed on Changes without the secret anywhere; screenshot docs/images/admin-authenticators-oidc.png.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { ARTIFACTS, adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { freePort, startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();
const SECRET = 'upstream-Secret-4Rt8Yu2Io6Pa1Sd5Fg9Hj3Kl';

describe('adding a sign-in provider in Chromium', { skip }, () => {
  let server: TestServer;
  let upstream: Server;
  let issuer: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
        }),
      );
    });
    await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
    server = await startServer({ config: { clients: [] } });
    await addAdmin(server);
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await strictPage(browser, context);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  test('the form is filled by its labels, the provider checked, and saved to the draft', async () => {
    await page.goto(`${server.url}/admin/authenticators`);
    await page.getByRole('link', { name: 'Add a provider (OpenID Connect)' }).click();
    await page.waitForURL(/\/admin\/providers$/);
    await page.getByLabel('Identifier').fill('acme');
    const redirect = page.locator('#redirect-uri');
    assert.equal(await redirect.textContent(), `${server.url}/authn/callback/oidc/acme`);
    await page.getByRole('button', { name: 'Copy redirect URI' }).click();
    const copied = page.locator('button[data-copy="redirect-uri"]');
    await page.waitForFunction(
      `/Copied|Selected/.test(document.querySelector('button[data-copy="redirect-uri"]').textContent)`,
    );
    if ((await copied.textContent()) === 'Copied') {
      assert.equal(
        await page.evaluate('navigator.clipboard.readText()'),
        `${server.url}/authn/callback/oidc/acme`,
      );
    }
    await page.getByLabel('Name on the button').fill('Acme');
    await page.getByLabel('Issuer URL').fill(issuer);
    // From the keyboard: the check button is the next stop after the issuer field.
    await page.getByLabel('Issuer URL').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Check provider');
    await page.keyboard.press('Enter');
    const result = page.locator('#check-result');
    await result.getByText('Found it.').waitFor();
    assert.match(
      (await result.textContent()) ?? '',
      new RegExp(`people will sign in at ${issuer}/authorize`),
    );
    await page.getByLabel('Client ID').fill('tessera-at-acme');
    await page.getByLabel('Client secret').fill(SECRET);
    await page.getByLabel('Send the secret in the form body').check();
    await page.getByLabel('Scopes to ask the provider for').fill('openid profile email');
    await page.getByLabel('Create accounts for new users').check();
    await page.getByLabel('Full name').fill('displayName');
    await page.getByLabel('Trust the provider’s sign-in method (acr/amr)').check();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.doesNotMatch(text, /token_endpoint_auth_method|trust_upstream_authentication|create_accounts/);
    await page.screenshot({
      path: join(process.cwd(), 'docs', 'images', 'admin-authenticators-oidc.png'),
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Save to draft' }).click();
    await page.getByText('Saved to your draft').waitFor();
    assert.equal(await page.getByLabel('Client secret').inputValue(), '', 'the secret is not sent back');
    assert.match((await page.locator('main').textContent()) ?? '', /Leave empty to keep the current secret/);
    assert.doesNotMatch(await page.content(), new RegExp(SECRET));
  });

  test('Changes shows the provider in words without its secret; the commit makes it live', async () => {
    await page.getByRole('link', { name: 'Review and commit' }).click();
    await page.waitForURL(/\/admin\/changes$/);
    const diff = (await page.locator('.diff').textContent()) ?? '';
    assert.match(diff, /issuer URL/);
    assert.match(diff, /client secret/);
    assert.doesNotMatch(diff, new RegExp(SECRET));
    assert.doesNotMatch(diff, /client_secret_sealed|v1\./);
    await page.getByLabel('Commit message').fill('Sign in with Acme');
    await page.getByRole('button', { name: 'Commit' }).click();
    await page.waitForURL(/\/admin\/history\/\d+\?committed=1$/);
    assert.doesNotMatch(await page.content(), new RegExp(SECRET));
    const live = server.tessera.live().authenticators.get('acme');
    assert.equal(live?.type, 'oidc');
    assert.ok(live?.type === 'oidc' && live.client_secret_sealed?.startsWith('v1.'));
    assert.equal(live?.type === 'oidc' && live.token_endpoint_auth_method, 'client_secret_post');
    await page.goto(`${server.url}/admin/authenticators`);
    assert.match((await page.locator('main').textContent()) ?? '', /Sign in with Acme/);
    await page.locator('section', { hasText: 'Sign in with Acme' }).screenshot({
      path: join(ARTIFACTS, 'admin-authenticators-oidc-listed.png'),
    });
  });
});
