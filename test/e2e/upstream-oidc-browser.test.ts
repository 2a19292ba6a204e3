// "Sign in with another provider" in Chromium: an openid-client relying party against Tessera, whose login page
// offers "Sign in with Acme" (the real oidc-provider on another site), a just-in-time account, linking an existing
// account, the account page's linked sign-ins, a replayed callback and a bad upstream answer. Screenshots go to
// docs/images for docs/authentication.md.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import {
  type HostileUpstream,
  type RealUpstream,
  startHostileUpstream,
  startRealUpstream,
  UPSTREAM_CLIENT,
} from '../fixtures/upstream-idp.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');

describe('sign in with another provider in Chromium', { skip }, () => {
  let server: TestServer;
  let real: RealUpstream;
  let hostile: HostileUpstream;
  let browser: Browser;
  let rp: client.Configuration;
  let callbackServer: Server;
  let callback = '';

  before(async () => {
    callbackServer = createServer((_req, res) => res.end('back at the application'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    const port = await freePort();
    // Tessera at localhost, the provider at 127.0.0.1: two sites, so the way back is a cross-site redirect.
    const redirect = (id: string) => `http://localhost:${port}/authn/callback/oidc/${id}`;
    real = await startRealUpstream({
      redirectUris: [redirect('acme')],
      users: {
        jdoe: {
          password: 'jdoe at acme',
          claims: {
            sub: 'acme-0001',
            preferred_username: 'jdoe',
            name: 'Jane Doe',
            email: 'jane.doe@acme.example',
            email_verified: true,
          },
        },
        mdoe: {
          password: 'mdoe at acme',
          claims: { sub: 'acme-0002', name: 'Maria Doe', email: 'maria@acme.example' },
        },
      },
    });
    hostile = await startHostileUpstream();
    server = await startServer({
      port,
      localhost: true,
      config: {
        authenticators: [
          { id: 'username-password', type: 'html-form' },
          {
            ...UPSTREAM_CLIENT,
            id: 'acme',
            type: 'oidc',
            name: 'Acme',
            issuer: real.issuer,
            create_accounts: true,
          },
          { ...UPSTREAM_CLIENT, id: 'corp', type: 'oidc', name: 'Corp', issuer: hostile.issuer },
        ],
        policies: [
          { id: 'everyone', name: 'Password or Acme', steps: [['username-password', 'acme']] },
          { id: 'providers', name: 'Acme or Corp', steps: [['acme', 'corp']] },
        ],
        clients: [
          { ...wwwClient, redirect_uris: [callback], authentication_policies: ['everyone'] },
          { ...wwwClient, client_id: 'corp-only', redirect_uris: [callback], authenticator: 'corp' },
          {
            ...wwwClient,
            client_id: 'staff',
            redirect_uris: [callback],
            authentication_policies: ['providers'],
          },
        ],
      },
    });
    rp = await client.discovery(
      new URL(server.issuer),
      'www',
      undefined,
      client.ClientSecretBasic(WWW_SECRET),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await real?.close();
    await hostile?.close();
    callbackServer?.close();
  });

  /** A code flow as the relying party starts it: PKCE, state and nonce. */
  async function start() {
    const verifier = client.randomPKCECodeVerifier();
    const checks = {
      pkceCodeVerifier: verifier,
      expectedState: client.randomState(),
      expectedNonce: client.randomNonce(),
    };
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: callback,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: checks.expectedState,
      nonce: checks.expectedNonce,
    });
    return { url: url.href, checks };
  }

  /** Back at the relying party: the code redeemed, the ID token checked, UserInfo read. */
  async function finish(page: Page, checks: Awaited<ReturnType<typeof start>>['checks']) {
    await page.waitForURL((url) => url.href.startsWith(callback), { timeout: 10_000 });
    const tokens = await client.authorizationCodeGrant(rp, new URL(page.url()), {
      ...checks,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    return { claims, profile: await client.fetchUserInfo(rp, tokens.access_token, claims.sub) };
  }

  async function atAcme(page: Page, username: string) {
    await page.waitForSelector('h1:text("Acme sign-in")');
    await page.getByLabel('Acme username').fill(username);
    await page.getByLabel('Acme password').fill(real.users.get(username)!.password);
    await page.getByRole('button', { name: 'Sign in to Acme' }).click();
  }

  let jdoe: BrowserContext;

  test('"Sign in with Acme" from the keyboard, the choice page, a new account: the ID token names it', async () => {
    jdoe = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await strictPage(browser, jdoe);
    const callbacks: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/authn/callback/oidc/')) callbacks.push(r.url());
    });
    const { url, checks } = await start();
    await page.goto(url);
    const button = page.getByRole('link', { name: 'Sign in with Acme' });
    assert.ok(await button.isVisible());
    await page.screenshot({ path: join(IMAGES, 'upstream-login.png'), fullPage: true });
    await button.focus();
    await page.keyboard.press('Enter');
    await atAcme(page, 'jdoe');
    await page.waitForSelector('h1:text("Continue with your Acme account")');
    assert.ok(await page.getByText('jane.doe@acme.example').isVisible());
    assert.ok(await page.getByLabel('Username').isVisible(), 'the link form has labelled fields');
    await page.screenshot({ path: join(IMAGES, 'upstream-continue.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create a new account' }).click();
    const { claims, profile } = await finish(page, checks);
    assert.equal(claims.sub, 'jdoe');
    assert.equal(profile['name'], 'Jane Doe');
    assert.equal(profile['email_verified'], true);
    assert.equal(
      (await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0001'))?.accountId,
      'jdoe',
    );

    // The provider's answer, replayed in the same browser, is refused and makes nothing: the sign-in it
    // finished ended the browser's binding with it.
    assert.equal(callbacks.length, 1);
    const accounts = (await server.tessera.store.accounts.list(100)).length;
    const replay = await page.goto(callbacks[0]!);
    assert.equal(replay?.status(), 400);
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'Sign-in could not be finished',
    );
    assert.match((await page.getByRole('alert').textContent()) ?? '', /no sign-in with Acme waiting/);
    assert.equal((await server.tessera.store.accounts.list(100)).length, accounts);
  });

  test('the account page lists the linked sign-in; the only way in cannot be unlinked', async () => {
    const page = await strictPage(browser, jdoe);
    await page.goto(`${server.url}/authn/account`);
    const item = page.locator('li', { hasText: 'Acme' });
    assert.ok(await item.getByText(/Linked .* Last used/).isVisible());
    assert.ok(await page.getByText('Your account has no password').isVisible());
    await page.locator('#security-section').screenshot({ path: join(IMAGES, 'account-linked-sign-ins.png') });
    await item.getByRole('button', { name: 'Unlink Acme' }).click();
    await page.waitForSelector('#security-message');
    assert.match((await page.locator('#security-message').textContent()) ?? '', /only way to sign in/);
    assert.ok(await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0001'));
    await jdoe.close();
  });

  test('linking: an existing account proven by its password is the one the provider signs in from then on', async () => {
    await signUp(server, 'maria');
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await strictPage(browser, context);
    const { url, checks } = await start();
    await page.goto(url);
    await page.getByRole('link', { name: 'Sign in with Acme' }).click();
    await atAcme(page, 'mdoe');
    await page.waitForSelector('h1:text("Continue with your Acme account")');
    await page.getByLabel('Username').fill('maria');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in and link' }).click();
    await page.waitForSelector('#form-error');
    assert.equal(await page.locator('#form-error').textContent(), 'Incorrect username or password.');
    assert.equal(await page.getByLabel('Username').inputValue(), 'maria');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in and link' }).click();
    const { claims } = await finish(page, checks);
    assert.equal(claims.sub, 'maria');
    assert.equal(
      (await server.tessera.store.upstream.findIdentity(real.issuer, 'acme-0002'))?.accountId,
      'maria',
    );
    await context.close();
  });

  test('a sign-in of two providers and no password asks which one, from the keyboard too', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await strictPage(browser, context);
    await page.goto(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ response_type: 'code', client_id: 'staff', redirect_uri: callback, scope: 'openid', state: 's' })}`,
    );
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
    assert.ok(await page.getByRole('link', { name: 'Sign in with Corp' }).isVisible());
    await page.screenshot({ path: join(IMAGES, 'upstream-choose.png'), fullPage: true });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Sign in with Acme');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Acme sign-in")');
    await context.close();
  });

  test('a provider whose answer fails the checks: a plain error page, a way to try again, no account', async () => {
    hostile.mode = 'bad-signature';
    hostile.subject = 'forged';
    const before = (await server.tessera.store.accounts.list(100)).length;
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await strictPage(browser, context);
    const response = await page.goto(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ response_type: 'code', client_id: 'corp-only', redirect_uri: callback, scope: 'openid', state: 's' })}`,
    );
    assert.equal(response?.status(), 502);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign-in could not be checked');
    assert.ok(await page.getByRole('link', { name: 'Try again' }).isVisible());
    await page.screenshot({ path: join(IMAGES, 'upstream-error.png'), fullPage: true });
    assert.equal((await server.tessera.store.accounts.list(100)).length, before);
    assert.equal(await server.tessera.store.upstream.findIdentity(hostile.issuer, 'forged'), undefined);
    assert.deepEqual(
      (await context.cookies()).filter((c) => c.name === 'tessera_sso'),
      [],
      'no session',
    );
    await context.close();
  });
});
