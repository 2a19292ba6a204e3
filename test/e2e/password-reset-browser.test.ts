// Password reset in Chromium with a real SMTP server on loopback: login page -> "Forgot password?" -> the request ->
// the link read from the received message -> a new password from the keyboard -> the old one refused, the new one
// working, the other browser signed out, the link refused a second time; screenshots of every page for the docs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');
const NEW_PASSWORD = 'a fresh passphrase for rosa 8';

describe('password reset in Chromium', { skip }, () => {
  let smtp: SmtpSink;
  let server: TestServer;
  let browser: Browser;
  let other: BrowserContext;
  let page: Page;
  let link = '';
  const focused = () => page.evaluate('document.activeElement && document.activeElement.id');
  /** The card with a margin around it, as a person sees the page. */
  const shoot = async (name: string) => {
    const box = (await page.locator('main.card').boundingBox())!;
    await page.screenshot({
      path: join(IMAGES, name),
      clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: box.height + 48 },
    });
  };
  /** Signs in on the account page in `p` with this password; true when the account page opened. */
  const logIn = async (p: Page, password: string) => {
    await p.goto(`${server.url}/authn/account`);
    await p.getByLabel('Username').fill('rosa');
    await p.getByLabel('Password').fill(password);
    await p.keyboard.press('Enter');
    await p.waitForSelector('h1');
    return (await p.locator('h1').textContent()) === 'Your account';
  };

  before(async () => {
    smtp = await startSmtpSink();
    server = await startServer({ config: { server: { email: { smtp_url: smtp.url } } } });
    await signUp(server, 'rosa', { email: 'rosa@example.com', name: 'Rosa Reset' });
    browser = await launchBrowser();
    page = await strictPage(browser);
    other = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  test('another browser is signed in to the account', async () => {
    const p = await strictPage(browser, other);
    assert.equal(await logIn(p, PASSWORD), true);
  });

  test('the login page links "Forgot password?"; the form takes a username or email from the keyboard', async () => {
    await page.goto(`${server.url}/authn/account`);
    await page.waitForSelector('h1:text("Log in")');
    await shoot('password-reset-login.png');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForSelector('h1:text("Reset your password")');
    assert.equal(await focused(), 'identifier', 'the one field has the focus');
    await shoot('password-reset-forgot.png');
    await page.keyboard.type('ROSA@example.com');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Check your email")');
    assert.match(
      (await page.locator('[role="status"]').textContent()) ?? '',
      /If an account matches, we have sent a link to its email address\. The link works for 15 minutes\./,
    );
    await shoot('password-reset-sent.png');
  });

  test('the message arrives at the SMTP server with the link in its text and HTML parts', async () => {
    const mail = await smtp.waitFor((m) => m.to.includes('rosa@example.com'));
    assert.match(mail.subject, /^Reset your password for /);
    link = mail.links.find((l) => l.includes('/authn/reset-password?')) ?? '';
    assert.ok(link, mail.text);
    assert.ok(mail.htmlLinks.includes(link));
  });

  test('the link opens the new-password form; a mismatch is explained at its field; the password is set', async () => {
    await page.goto(link);
    await page.waitForSelector('h1:text("Choose a new password")');
    assert.equal(await focused(), 'new_password');
    await shoot('password-reset-new-password.png');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'confirm_password', 'Tab goes to the second field');
    await page.keyboard.type(`${NEW_PASSWORD}?`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm_password-error');
    assert.equal(
      await page.locator('#confirm_password-error').textContent(),
      'The two passwords are not the same.',
    );
    assert.equal(await page.getByLabel('New password again').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForSelector('h1:text("Your password is changed")');
    await shoot('password-reset-done.png');
  });

  test('the old password is refused, the new one works, and the other browser was signed out', async () => {
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByLabel('Username').fill('rosa');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-error');
    assert.equal(await page.locator('#form-error').textContent(), 'Incorrect username or password.');
    assert.equal(await logIn(page, NEW_PASSWORD), true);
    const p = other.pages()[0]!;
    await p.goto(`${server.url}/authn/account`);
    await p.waitForSelector('h1');
    assert.equal(await p.locator('h1').textContent(), 'Log in', 'its session ended with the reset');
  });

  test('the link is refused a second time, with a way to ask again', async () => {
    await page.goto(link);
    await page.waitForSelector('h1:text("This link has expired or was already used")');
    await shoot('password-reset-expired.png');
    await page.getByRole('link', { name: 'Ask for a new link' }).click();
    await page.waitForSelector('h1:text("Reset your password")');
  });
});
