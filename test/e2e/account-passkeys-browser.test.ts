// Passkeys on the account page in Chromium with the DevTools virtual authenticator: "Add a passkey" with a
// name creates one, the list shows it, it is renamed from the keyboard; screenshot account-passkeys.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, strictPage, virtualAuthenticator } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, wwwClient } from '../fixtures/server.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');

describe('passkeys on the account page in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';
  const stored = async () => {
    const account = await server.tessera.store.accounts.findByUsername('omar');
    return server.tessera.store.passkeys.listByAccount(account!.id);
  };

  before(async () => {
    server = await startServer({
      // A WebAuthn RP ID must be a domain: the server is reached as localhost.
      localhost: true,
      config: {
        authenticators: [
          { id: 'username-password', type: 'html-form' },
          { id: 'passkeys', type: 'passkey', passwordless: false },
        ],
        clients: [wwwClient],
      },
    });
    await signUp(server, 'omar');
    browser = await launchBrowser();
    page = await strictPage(browser);
    ({ cdp, authenticatorId } = await virtualAuthenticator(page));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('"Add a passkey" with a name creates a discoverable passkey, listed with its name and dates', async () => {
    await page.goto(`${server.url}/authn/account`);
    await page.getByLabel('Username').fill('omar');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Your account")');
    await page.getByLabel('Name for a new passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForSelector('#security-message');
    assert.equal(await page.locator('#security-message').textContent(), 'Your passkey was added.');
    const [credential] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.equal(credential?.isResidentCredential, true);
    assert.deepEqual(
      (await stored()).map((p) => [p.name, p.id]),
      [['This laptop', Buffer.from(credential!.credentialId, 'base64').toString('base64url')]],
    );
    const item = page.locator('.factors li', { hasText: 'This laptop' });
    assert.match((await item.textContent()) ?? '', /Added .* UTC\. Last used never\./);
  });

  test('rename it from the keyboard: the name field is labelled, Enter submits', async () => {
    const field = page.getByLabel('New name');
    await field.focus();
    assert.equal(await page.evaluate('document.activeElement.id'), 'passkey-name-0');
    await field.fill('Work laptop');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#security-message');
    assert.equal(await page.locator('#security-message').textContent(), 'Your passkey was renamed.');
    assert.deepEqual(
      (await stored()).map((p) => p.name),
      ['Work laptop'],
    );
    const box = (await page.locator('#security-section').boundingBox())!;
    await page.screenshot({
      path: join(IMAGES, 'account-passkeys.png'),
      fullPage: true,
      clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: Math.min(box.height, 700) + 48 },
    });
  });
});
