// The admin's Users pages in a real Chromium with a real SMTP server on loopback: search from the keyboard, open a
// person, send them a password reset link (read from the message, opened in another browser) and remove a second
// factor; screenshots of the list and the user's page for docs/admin.md.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');

describe('the Users pages in Chromium', { skip }, () => {
  let smtp: SmtpSink;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const focused = () => page.evaluate('document.activeElement && document.activeElement.id');

  before(async () => {
    smtp = await startSmtpSink();
    server = await startServer({
      config: {
        server: { email: { smtp_url: smtp.url } },
        authenticators: [
          { id: 'username-password', type: 'html-form' },
          { id: 'app-codes', type: 'totp', issuer: 'Example' },
          { id: 'keys', type: 'passkey' },
        ],
      },
    });
    await addAdmin(server);
    for (const [name, email, full] of [
      ['maria.garcia', 'maria@example.com', 'María García'],
      ['mark', 'mark@example.org', 'Mark Chen'],
      ['priya', 'priya@corp.example', 'Priya Natarajan'],
      ['tom', 'tom@example.com', ''],
    ] as const)
      await signUp(server, name, { email, ...(full ? { name: full } : {}) });
    const { store } = server.tessera;
    const t = Math.floor(Date.now() / 1000);
    await store.accounts.setDisabled('tom', true);
    await store.totp.startEnrolment({
      accountId: 'maria.garcia',
      secretSealed: 'x',
      confirmedAt: null,
      lastStep: 0,
      createdAt: t,
    });
    await store.totp.confirm('maria.garcia', Math.floor(t / 30), t);
    await store.totp.replaceRecoveryCodes(
      'maria.garcia',
      ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'],
      t,
    );
    await store.passkeys.create({
      id: 'maria-laptop',
      accountId: 'maria.garcia',
      name: 'Work laptop',
      publicKey: 'pQECAyYgASFYIMariasKey',
      counter: 0,
      transports: ['internal'],
      backupEligible: true,
      backedUp: true,
      createdAt: t - 86_400 * 30,
      lastUsedAt: t - 3600,
    });
    browser = await launchBrowser();
    // María signs in in a browser of her own, so her session names a real browser.
    const hers = await browser.newPage();
    await hers.goto(`${server.url}/authn/account`);
    await hers.getByLabel('Username').fill('maria.garcia');
    await hers.getByLabel('Password').fill(PASSWORD);
    await hers.keyboard.press('Enter');
    await hers.getByRole('heading', { name: 'Your account' }).waitFor();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  test('the nav leads to Users; a search typed and sent from the keyboard lists who matches', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.waitForURL(`${server.url}/admin/users`);
    await page.getByLabel('Username or email address').focus();
    await page.keyboard.type('example');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?q=example$/);
    const rows = await page.locator('#users tbody tr').allTextContents();
    assert.equal(rows.length, 4);
    assert.match(rows[0] ?? '', /maria\.garcia\s*María García\s*maria@example\.com \(not verified\)/);
    assert.match(rows[3] ?? '', /tom.*disabled/s);
    await page.screenshot({ path: join(IMAGES, 'admin-users.png'), fullPage: true });
  });

  test('a user opens from the keyboard, and a reset link goes out: the page says so, the mail holds a working link', async () => {
    await page.getByRole('link', { name: 'maria.garcia' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'maria.garcia', level: 1 }).waitFor();
    const sessions = (await page.locator('#user-sessions tbody').textContent()) ?? '';
    assert.match(sessions, /Chrom(e|ium) on Linux/);
    await page.getByRole('button', { name: 'Send password reset link' }).focus();
    await page.keyboard.press('Enter');
    const said = page.locator('#message');
    await said.waitFor();
    assert.match(
      (await said.textContent()) ?? '',
      /^A password reset link is on its way to maria@example\.com\. It works once, within 15 minutes\.$/,
    );
    assert.equal(await focused(), 'message', 'the message has the focus, so it is read first');
    const mail = await smtp.waitFor((m) => m.to.includes('maria@example.com'));
    const link = mail.links.find((l) => l.includes('/authn/reset-password?token='));
    assert.ok(link, mail.text);
    await page.screenshot({ path: join(IMAGES, 'admin-user.png'), fullPage: true });
    const theirs = await browser.newPage();
    await theirs.goto(link);
    await theirs.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await theirs.close();
  });

  test('Remove takes the authenticator app away; the list of factors says what is left', async () => {
    await page.getByRole('button', { name: 'Remove the authenticator app' }).click();
    await page.locator('#message').waitFor();
    assert.equal(await page.locator('#message').textContent(), 'Removed the authenticator app.');
    const factors = await page.locator('#user-factors tbody tr').allTextContents();
    assert.equal(factors.length, 1);
    assert.match(factors[0] ?? '', /Passkey\s*Work laptop/);
    assert.equal(await server.tessera.store.totp.find('maria.garcia'), undefined);
  });
});
