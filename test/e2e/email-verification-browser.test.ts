// Email verification in Chromium with a real SMTP server on loopback: register where logins need a verified address,
// "Check your email", the link read from the received message and opened in another browser, verified there, then
// Continue in the first one finishes the code flow (openid-client): email_verified true in the ID token. Screenshots.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');

describe('email verification in Chromium', { skip }, () => {
  let server: TestServer;
  let smtp: SmtpSink;
  let browser: Browser;
  let callbackServer: Server;
  let callback = '';
  let reached: URL | undefined;
  let config: client.Configuration;
  let page: Page;
  let link = '';
  const flow = {
    verifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
  };
  const focused = () =>
    page.evaluate(
      'document.activeElement && (document.activeElement.id || document.activeElement.textContent)',
    );

  before(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/callback`;
    callbackServer = createServer((req, res) => {
      const url = new URL(req.url!, callback);
      if (url.pathname === '/callback') reached = url;
      res.end('callback reached');
    });
    await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
    smtp = await startSmtpSink();
    server = await startServer({
      config: {
        server: { email: { smtp_url: smtp.url, from: 'Example Login <login@example.com>' } },
        authenticators: [{ id: 'username-password', type: 'html-form', require_verified_email: true }],
        clients: [{ ...wwwClient, redirect_uris: [callback] }],
      },
    });
    config = await client.discovery(
      new URL(server.issuer),
      'www',
      undefined,
      client.ClientSecretBasic(WWW_SECRET),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    browser = await launchBrowser();
    page = await strictPage(browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
    callbackServer?.close();
  });

  const authorizationUrl = async (state: string, nonce: string, verifier: string) =>
    client.buildAuthorizationUrl(config, {
      redirect_uri: callback,
      scope: 'openid email',
      claims: JSON.stringify({ id_token: { email: null, email_verified: null } }),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).href;

  test('create an account from the login page: the email field is required, then "Check your email" names the address', async () => {
    await page.goto(await authorizationUrl(flow.state, flow.nonce, flow.verifier));
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Log in');
    await page.getByRole('link', { name: 'Create account' }).click();
    await page.waitForSelector('h1:text("Create account")');
    assert.equal(await page.getByLabel('Email').getAttribute('required'), '');
    await page.getByLabel('Username').fill('ines');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Full name').fill('Inês Duarte');
    await page.getByLabel('Email').fill('ines@example.com');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Check your email")');
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /open the link we sent to i•••@example\.com/,
    );
    // From the keyboard: Continue first, then Send the link again, then the other-account link.
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Continue');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Send the link again');
    await page.screenshot({ path: join(IMAGES, 'email-check-your-email.png'), fullPage: true });
  });

  test('the message arrives at the SMTP server with the link in both parts; Continue before using it says not yet', async () => {
    const mail = await smtp.waitFor((m) => m.to.includes('ines@example.com'));
    assert.equal(mail.subject, `Confirm your email address for ${new URL(server.url).host}`);
    assert.match(mail.text, /^Hello Inês Duarte,$/m);
    link = mail.links[0]!;
    assert.deepEqual(mail.htmlLinks, [link, link]);
    // The HTML part as a mail program shows it.
    const reader = await browser.newPage({ viewport: { width: 700, height: 640 } });
    await reader.setContent(mail.html as string);
    assert.equal(await reader.getByRole('link', { name: 'Verify email address' }).getAttribute('href'), link);
    await reader.screenshot({ path: join(IMAGES, 'email-verify-message.png'), fullPage: true });
    await reader.close();

    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('#check-email-notice');
    assert.match((await page.locator('#check-email-notice').textContent()) ?? '', /not verified yet/);
    assert.equal(await page.locator('#check-email-notice').getAttribute('role'), 'alert');
  });

  test('opened on another device: a page with one button; pressing it verifies the address there', async () => {
    const phone = await strictPage(
      browser,
      await browser.newContext({ viewport: { width: 420, height: 760 } }),
    );
    await phone.goto(link);
    assert.equal(await phone.getByRole('heading', { level: 1 }).textContent(), 'Verify your email address');
    await phone.screenshot({ path: join(IMAGES, 'email-verify-page.png'), fullPage: true });
    // The button has focus: Enter presses it.
    await phone.keyboard.press('Enter');
    await phone.waitForSelector('h1:text("Your email address is verified")');
    assert.match((await phone.locator('main').textContent()) ?? '', /i•••@example\.com is confirmed/);
    await phone.screenshot({ path: join(IMAGES, 'email-verified.png'), fullPage: true });

    await phone.goto(link);
    await phone.waitForSelector('h1:text("This link has expired or was already used")');
    assert.ok(await phone.getByRole('link', { name: 'Log in' }).isVisible());
    await phone.screenshot({ path: join(IMAGES, 'email-link-expired.png'), fullPage: true });
    await phone.context().close();
  });

  test('back in the first browser, Continue finishes the code flow: openid-client sees email_verified true', async () => {
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/callback\?/);
    assert.ok(reached, 'the callback was reached');
    const tokens = await client.authorizationCodeGrant(config, reached, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, 'ines');
    assert.equal(claims['email'], 'ines@example.com');
    assert.equal(claims['email_verified'], true);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'ines');
    assert.equal(userinfo['email_verified'], true);
  });

  test('the account page says the address is verified', async () => {
    await page.goto(`${server.url}/authn/account`);
    await page.waitForSelector('#email-section');
    assert.match((await page.locator('#email-status').textContent()) ?? '', /ines@example\.com\s+Verified/);
    const box = (await page.locator('#email-section').boundingBox())!;
    await page.screenshot({
      path: join(IMAGES, 'account-email-verified.png'),
      clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: box.height + 48 },
      fullPage: true,
    });
  });

  test('a new address on the profile is not verified until its link is used; the page sends another on request', async () => {
    const count = smtp.messages.length;
    await page.getByLabel('Email', { exact: true }).fill('ines@new.example');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForSelector('#email-notice');
    assert.match(
      (await page.locator('#email-status').textContent()) ?? '',
      /ines@new\.example\s+Not verified/,
    );
    assert.match(
      (await page.locator('#email-notice').textContent()) ?? '',
      /We sent a link to your email address/,
    );
    await smtp.waitFor((m) => m.to.includes('ines@new.example') && smtp.messages.indexOf(m) >= count);
    await page.getByRole('button', { name: 'Send verification email' }).focus();
    await page.keyboard.press('Enter');
    // No string predicate: the page's CSP (script-src 'self') refuses to evaluate one.
    await page.waitForURL((u) => u.search === '?email=sent', { waitUntil: 'load' });
    // The redirect scrolls to the section; a full-page clip is measured from the top of the page.
    const box = (await page.evaluate(
      "(() => { const r = document.getElementById('email-section').getBoundingClientRect(); return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height }; })()",
    )) as { x: number; y: number; width: number; height: number };
    await page.screenshot({
      path: join(IMAGES, 'account-email-unverified.png'),
      clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: box.height + 48 },
      fullPage: true,
    });
    const latest = await smtp.waitFor(
      (m) =>
        m.to.includes('ines@new.example') &&
        smtp.messages.filter((n) => n.to.includes('ines@new.example')).indexOf(m) === 1,
    );
    await page.goto(latest.links[0]!);
    await page.getByRole('button', { name: 'Verify email address' }).click();
    await page.waitForURL(/\/authn\/account\?email=verified/);
    assert.match((await page.locator('#email-status').textContent()) ?? '', /ines@new\.example\s+Verified/);
  });

  test('the same browser that opens the link goes straight on to the client after the button', async () => {
    reached = undefined;
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const own = await strictPage(browser, context);
    const second = {
      verifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
    };
    await own.goto(await authorizationUrl(second.state, second.nonce, second.verifier));
    await own.getByRole('link', { name: 'Create account' }).click();
    await own.getByLabel('Username').fill('jonas');
    await own.getByLabel('Password').fill(PASSWORD);
    await own.getByLabel('Email').fill('jonas@example.com');
    await own.getByRole('button', { name: 'Create account' }).click();
    await own.waitForSelector('h1:text("Check your email")');
    const mail = await smtp.waitFor((m) => m.to.includes('jonas@example.com'));
    await own.goto(mail.links[0]!);
    await own.getByRole('button', { name: 'Verify email address' }).click();
    await own.waitForURL(/\/callback\?/);
    // Set by the callback server meanwhile (the compiler cannot see that).
    const arrived = reached as URL | undefined;
    assert.equal(arrived?.searchParams.get('state'), second.state);
    const tokens = await client.authorizationCodeGrant(config, arrived!, {
      pkceCodeVerifier: second.verifier,
      expectedState: second.state,
      expectedNonce: second.nonce,
    });
    assert.equal(tokens.claims()?.['email_verified'], true);
    await context.close();
  });
});
