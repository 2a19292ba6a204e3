// Passkeys in Chromium with the DevTools virtual authenticator: created at a step-up, then signing in
// passwordless by autofill (conditional mediation) and by the button, as the second factor after a password,
// and removed on the account page, after which the browser's passkey no longer signs in.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, strictPage, virtualAuthenticator } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, wwwClient } from '../fixtures/server.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');
const MFA = 'urn:example:passkey-mfa';

describe('passkeys in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';
  let callbackServer: Server;
  let callback = '';
  before(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/callback`;
    callbackServer = createServer((_req, res) => res.end('callback reached'));
    await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
    server = await startServer({
      localhost: true,
      config: {
        authenticators: [
          { id: 'username-password', type: 'html-form' },
          { id: 'passkeys', type: 'passkey' },
        ],
        policies: [
          { id: 'either', name: 'Password or passkey', steps: [['username-password', 'passkeys']] },
          { id: 'mfa', name: 'Password and passkey', acr: MFA, steps: [['username-password'], ['passkeys']] },
        ],
        clients: [{ ...wwwClient, redirect_uris: [callback], authentication_policies: ['either', 'mfa'] }],
      },
    });
    await signUp(server, 'maria');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await strictPage(browser, context);
    // The virtual authenticator belongs to this page's target: one passkey store for every test below.
    ({ cdp, authenticatorId } = await virtualAuthenticator(page));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  const authorize = (extra: Record<string, string> = {}) =>
    page.goto(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ response_type: 'code', client_id: 'www', redirect_uri: callback, scope: 'openid', state: 's1', ...extra })}`,
    );
  const reachedCallback = () => page.waitForURL((url) => url.href.startsWith(callback), { timeout: 10_000 });
  const credentials = async () =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  const stored = async () => {
    const account = await server.tessera.store.accounts.findByUsername('maria');
    return server.tessera.store.passkeys.listByAccount(account!.id);
  };
  const passwordLogin = async () => {
    await page.getByLabel('Username').fill('maria');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
  };

  test('register: a step-up to the passkey policy leads to "Create a passkey", named, stored discoverable', async () => {
    await authorize({ acr_values: MFA });
    await passwordLogin();
    await page.waitForSelector('h1:text("Create a passkey")');
    await page.getByLabel('Name for this passkey').fill('This laptop');
    await page.screenshot({ path: join(IMAGES, 'passkey-enrol.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await reachedCallback();
    const [credential] = await credentials();
    assert.equal(credential?.isResidentCredential, true, 'a discoverable credential');
    assert.deepEqual(
      (await stored()).map((p) => [p.name, p.id]),
      [['This laptop', Buffer.from(credential!.credentialId, 'base64').toString('base64url')]],
    );
  });

  test('passwordless by autofill: the username field offers the passkey, choosing it signs in', async () => {
    await context.clearCookies();
    // Without presence the virtual authenticator holds the autofill request open: time for the screenshot.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await authorize();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Log in');
    assert.equal(await page.getByLabel('Username').getAttribute('autocomplete'), 'username webauthn');
    assert.ok(await page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible());
    await page.screenshot({ path: join(IMAGES, 'passkey-login.png'), fullPage: true });
    // With presence, the conditional request started on load (the username field has focus) picks the
    // passkey as a person choosing it from the autofill list would: no button is pressed.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await page.reload();
    await reachedCallback();
    assert.ok(new URL(page.url()).searchParams.get('code'));
    assert.equal((await stored())[0]?.counter, (await credentials())[0]?.signCount);
  });

  test('second factor: after the password, "Use a passkey" completes the MFA policy', async () => {
    await context.clearCookies();
    await authorize({ acr_values: MFA });
    await passwordLogin();
    await page.waitForSelector('h1:text("Use your passkey")');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await reachedCallback();
  });

  test('passwordless by the button: where the browser has no passkey autofill, "Sign in with a passkey" signs in', async () => {
    await context.clearCookies();
    // A browser without conditional mediation (from here on, for this page): the button is the way in.
    await page.addInitScript('PublicKeyCredential.isConditionalMediationAvailable = async () => false;');
    await authorize();
    const before = (await stored())[0]!.counter;
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await reachedCallback();
    assert.ok((await stored())[0]!.counter > before, 'the passkey signed once more');
  });

  test('remove on the account page: gone from the account, and the browser passkey no longer signs in', async () => {
    // A second passkey (a security key elsewhere) keeps the MFA policy satisfiable, so removal is allowed.
    const account = await server.tessera.store.accounts.findByUsername('maria');
    await server.tessera.store.passkeys.create({
      id: 'c3BhcmUta2V5',
      accountId: account!.id,
      name: 'Spare security key',
      publicKey: 'pQECAyYgASFYIA',
      counter: 0,
      transports: ['usb'],
      backupEligible: false,
      backedUp: false,
      createdAt: Math.floor(Date.now() / 1000),
      lastUsedAt: null,
    });
    await page.goto(`${server.url}/authn/account`);
    const item = page.locator('li', { hasText: 'This laptop' });
    const reauth = item.getByLabel('Current password');
    if (await reauth.count()) await reauth.fill(PASSWORD);
    await item.getByRole('button', { name: 'Remove passkey' }).click();
    await page.waitForSelector('text=Your passkey was removed.');
    assert.deepEqual(
      (await stored()).map((p) => p.name),
      ['Spare security key'],
    );
    await context.clearCookies();
    await authorize();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('#form-error');
    assert.match((await page.locator('#form-error').textContent()) ?? '', /could not be checked/);
  });
});
