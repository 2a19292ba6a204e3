// The account page's security part in Chromium: TOTP set up from the page (QR code, key, recovery codes),
// the password changed from the keyboard (signing out the other browser), a session ended; screenshots.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, wwwClient } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');
const NEW_PASSWORD = 'a much longer passphrase 42';
/** Frozen, so the last test can step past the re-authentication window. */
const clock = new FixedClock(Math.floor(Date.now() / 1000));

describe('account security in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const focused = () => page.evaluate('document.activeElement && document.activeElement.id');
  /** The security section with a margin around it, as a person sees that part of the page. */
  const shoot = async (name: string) => {
    const box = (await page.locator('#security-section').boundingBox())!;
    await page.screenshot({
      path: join(IMAGES, name),
      fullPage: true,
      clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: box.height + 48 },
    });
  };

  /** Another browser (the HTTP stand-in) signed in to the same account. */
  async function otherBrowser(password: string): Promise<UserAgent> {
    const agent = new UserAgent();
    const login = await agent.follow(`${server.url}/authn/account`);
    const done = await agent.submit(login, { username: 'nadia', password });
    assert.match(done.body, /<h1>Your account<\/h1>/);
    return agent;
  }

  before(async () => {
    server = await startServer({
      clock,
      config: {
        authenticators: [
          { id: 'username-password', type: 'html-form' },
          { id: 'app-codes', type: 'totp', issuer: 'Example' },
        ],
        policies: [
          { id: 'mfa', name: 'Password and app code', steps: [['username-password'], ['app-codes']] },
        ],
        clients: [wwwClient],
      },
    });
    await signUp(server, 'nadia');
    browser = await launchBrowser();
    page = await strictPage(browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('sign in to the account page; it names this browser "Chrome on Linux" and the other one', async () => {
    await page.goto(`${server.url}/authn/account`);
    await page.getByLabel('Username').fill('nadia');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Your account")');
    const sessions = page.locator('.sessions li');
    assert.equal(await sessions.count(), 2);
    const mine = page.locator('.sessions li[aria-current="true"]');
    assert.match((await mine.textContent()) ?? '', /Chrome on Linux\s+this browser/);
    assert.ok(await page.getByRole('button', { name: 'Sign out here' }).isVisible());
    assert.ok(await page.getByRole('button', { name: 'End this session' }).isVisible());
  });

  test('set up an authenticator app from the page: QR code, key, a code, ten recovery codes, back to the page', async () => {
    await page.getByRole('link', { name: 'Set up an authenticator app' }).click();
    await page.waitForSelector('h1:text("Set up an authenticator app")');
    assert.ok(await page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible());
    assert.equal(await focused(), 'code', 'the code field has focus');
    const key = ((await page.locator('#totp-key').textContent()) ?? '').replace(/ /g, '');
    await page.screenshot({ path: join(IMAGES, 'account-totp-enrol.png'), fullPage: true });
    await page.getByLabel('Code from the app').fill(codeAt(key, stepAt(clock.nowSeconds())));
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Save your recovery codes")');
    assert.equal(await page.locator('.codes li').count(), 10);
    await page.getByRole('link', { name: 'I have saved them, continue' }).click();
    await page.waitForSelector('#security-message');
    assert.equal(await page.locator('#security-message').textContent(), 'Your authenticator app is set up.');
    const app = page.locator('.factors li').first();
    assert.match((await app.textContent()) ?? '', /Authenticator app[\s\S]*10 of 10 recovery codes left/);
    // The security section alone: the profile form above it is another page's story.
    await shoot('account-security.png');
  });

  test('change the password from the keyboard: each field labelled, Tab moves between them, the other browser is signed out', async () => {
    const other = await otherBrowser(PASSWORD);
    await page.reload();
    await page.getByLabel('Current password', { exact: true }).focus();
    assert.equal(await focused(), 'current_password');
    await page.keyboard.type('not my password');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'new_password');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'confirm_password');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#current_password-error');
    assert.equal(
      await page.locator('#current_password-error').textContent(),
      'That is not your current password.',
    );
    assert.equal(
      await page.getByLabel('Current password', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
    await shoot('account-password-error.png');

    await page.getByLabel('Current password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('#security-message');
    assert.match((await page.locator('#security-message').textContent()) ?? '', /Your password was changed/);
    assert.equal(await page.locator('.sessions li').count(), 1, 'only this browser is left');
    const after = await other.request(`${server.url}/authn/account`);
    assert.equal(after.status, 303, 'the other browser is sent to log in');
  });

  test('end another session from the list', async () => {
    await otherBrowser(NEW_PASSWORD);
    await page.reload();
    assert.equal(await page.locator('.sessions li').count(), 2);
    await page.getByRole('button', { name: 'End this session' }).click();
    await page.waitForSelector('#security-message');
    assert.equal(await page.locator('#security-message').textContent(), 'The session was ended.');
    assert.equal(await page.locator('.sessions li').count(), 1);
  });

  test('ten minutes later, removing the app asks for the current password in its own labelled field', async () => {
    clock.advance(11 * 60);
    await page.goto(`${server.url}/authn/account`);
    assert.match((await page.locator('#reauth-hint').textContent()) ?? '', /more than 10 minutes ago/);
    const field = page.getByLabel('Current password, to remove the app');
    assert.equal(await field.getAttribute('type'), 'password');
    await shoot('account-reauth.png');
    await field.focus();
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate('document.activeElement.textContent'),
      'Remove authenticator app',
      'Tab reaches the button of the same form',
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector('#security-message');
    assert.equal(
      await page.locator('#security-message').textContent(),
      'Your authenticator app was removed.',
    );
    assert.ok(await page.getByRole('link', { name: 'Set up an authenticator app' }).isVisible());
  });
});
