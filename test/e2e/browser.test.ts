// The seed's user journey in a real browser (Chromium): login form, Create account, and the 303 back to the client.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, chromiumMissing, launchBrowser } from '../fixtures/browser.ts';
import { freePort, startServer, type TestServer, wwwClient } from '../fixtures/server.ts';

const skip = chromiumMissing();
let CALLBACK = '';
/** A real client callback on loopback: the browser must actually arrive there. */
let callbackServer: Server;
let lastCallback: URL | undefined;

describe('the login journey in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    const port = await freePort();
    CALLBACK = `http://127.0.0.1:${port}/callback`;
    callbackServer = createServer((req, res) => {
      const url = new URL(req.url!, CALLBACK);
      // Chromium also asks this origin for /favicon.ico; only the callback counts.
      if (url.pathname === '/callback') lastCallback = url;
      res.end('callback reached');
    });
    await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
    server = await startServer({ config: { clients: [{ ...wwwClient, redirect_uris: [CALLBACK] }] } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  test('a new user creates an account from the login page and lands on the callback with code, state and iss', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const authorize = `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'www',
      state: 'browser-state',
      redirect_uri: CALLBACK,
      scope: 'openid',
    })}`;
    await page.goto(authorize);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Log in');
    await page.screenshot({ path: join(ARTIFACTS, 'authn-login.png'), fullPage: true });

    await page.getByRole('link', { name: 'Create account' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Create account');
    await page.getByLabel('Username').fill('browser-user');
    await page.getByLabel('Password').fill('p');
    await page.getByRole('button', { name: 'Create account' }).click();
    // A too-short password is refused with a message next to the field.
    assert.match((await page.locator('#password-error').textContent()) ?? '', /at least 8/);
    await page.screenshot({ path: join(ARTIFACTS, 'authn-register-error.png'), fullPage: true });

    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${CALLBACK}**`);
    const callback = lastCallback;
    assert.ok(callback, 'the browser was sent to the callback');
    assert.ok(callback.searchParams.get('code'));
    assert.equal(callback.searchParams.get('state'), 'browser-state');
    assert.equal(callback.searchParams.get('iss'), server.issuer);

    // Logged in now: the next authorization request goes straight to the callback, no form.
    lastCallback = undefined;
    await page.goto(authorize.replace('browser-state', 'second'));
    await page.waitForURL(`${CALLBACK}**`);
    assert.equal((lastCallback as URL | undefined)?.searchParams.get('state'), 'second');
    await context.close();
  });

  test('an existing user logs in with the form; a wrong password shows a generic error', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${server.url}/oauth/v2/oauth-authorize?response_type=code&client_id=www&redirect_uri=${encodeURIComponent(CALLBACK)}`,
    );
    await page.getByLabel('Username').fill('browser-user');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'Incorrect username or password.');
    await page.screenshot({ path: join(ARTIFACTS, 'authn-login-error.png'), fullPage: true });
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${CALLBACK}**`);
    assert.ok(new URL(page.url()).searchParams.get('code'));
    await context.close();
  });
});
