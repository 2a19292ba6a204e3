// TOTP enrolment at login in Chromium: a policy needing password then TOTP leads a user without TOTP to
// enrol (QR code and key), confirm with a code from the key, save recovery codes, and reach the callback.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, wwwClient } from '../fixtures/server.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');

describe('TOTP enrolment at login in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let callbackServer: Server;
  let callback = '';
  let reached: URL | undefined;
  before(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/callback`;
    callbackServer = createServer((req, res) => {
      const url = new URL(req.url!, callback);
      if (url.pathname === '/callback') reached = url;
      res.end('callback reached');
    });
    await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
    server = await startServer({
      config: {
        authenticators: [
          { id: 'username-password', type: 'html-form' },
          { id: 'app-codes', type: 'totp', issuer: 'Example Bank' },
        ],
        policies: [
          { id: 'mfa', name: 'Password and app code', steps: [['username-password'], ['app-codes']] },
        ],
        clients: [{ ...wwwClient, redirect_uris: [callback], authentication_policies: ['mfa'] }],
      },
    });
    await signUp(server, 'maria');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  test('password, then enrolment with a QR code and the key, a wrong code refused, the right one, recovery codes, callback', async () => {
    const page = await strictPage(browser);
    await page.goto(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ response_type: 'code', client_id: 'www', redirect_uri: callback, scope: 'openid', state: 's1' })}`,
    );
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Log in');
    await page.getByLabel('Username').fill('maria');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');

    await page.waitForSelector('h1:text("Set up an authenticator app")');
    assert.ok(await page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible());
    const key = ((await page.locator('#totp-key').textContent()) ?? '').replace(/ /g, '');
    assert.match(key, /^[A-Z2-7]{32}$/);
    const field = page.getByLabel('Code from the app');
    assert.equal(await page.evaluate('document.activeElement.id'), 'code', 'the code field has focus');
    await page.screenshot({ path: join(IMAGES, 'totp-enrol.png'), fullPage: true });

    await field.fill('12345');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-error');
    assert.match((await page.locator('#form-error').textContent()) ?? '', /not valid/);

    await page.getByLabel('Code from the app').fill(codeAt(key, stepAt(Math.floor(Date.now() / 1000))));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.waitForSelector('h1:text("Save your recovery codes")');
    assert.equal(await page.locator('.codes li').count(), 10);
    await page.screenshot({ path: join(IMAGES, 'totp-recovery-codes.png'), fullPage: true });

    await page.getByRole('link', { name: 'I have saved them, continue' }).click();
    await page.waitForURL(/\/callback\?/);
    assert.ok(reached?.searchParams.get('code'), 'the browser reached the callback with a code');
    assert.equal(reached?.searchParams.get('state'), 's1');
  });
});
