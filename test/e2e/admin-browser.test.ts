// The seed's client set up in the admin UI in a real Chromium, step by step; then the code flow; then a rollback; then an API and a machine client.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, chromiumMissing, launchBrowser } from '../fixtures/browser.ts';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { basic } from '../fixtures/user-agent.ts';

const skip = chromiumMissing();
/** The seed's redirect URI, exactly; the browser's requests to it are answered by the test. */
const CALLBACK = 'http://localhost/callback';
const ADMIN_PASSWORD = 'a long admin password';

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });

describe('the admin UI in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let committedRevision = 0;

  before(async () => {
    // No client in the config file: the www client must come from the admin UI alone.
    server = await startServer({ config: { clients: [] } });
    browser = await launchBrowser();
    admin = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await admin.newPage();
    page.setDefaultTimeout(5000);
    // No inline script or style may run: a CSP violation would show up here.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) assert.fail(`CSP violation: ${message.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the one-time setup link creates the first admin, and then stops working', async () => {
    const link = server.tessera.setupLink;
    assert.ok(link, 'a new server prints a setup link');
    await page.goto(link);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Create the first admin');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await page.getByLabel('Repeat the password').fill(ADMIN_PASSWORD);
    await shot(page, 'setup');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.waitForURL(`${server.url}/admin`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Profiles');

    const again = await admin.newPage();
    await again.goto(link);
    assert.equal(
      await again.getByRole('heading', { level: 1 }).textContent(),
      'This setup link no longer works',
    );
    await again.close();
  });

  test('log out, then log in as admin: a wrong password gets one generic message', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/admin\/login/);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'Incorrect username or password.');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await shot(page, 'login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/admin`);
    await shot(page, 'profiles');
  });

  test('Profiles → Token Service → Clients → New client: the seed client www, step by step', async () => {
    await page.getByRole('link', { name: /^Clients \(0\)$/ }).click();
    await page.waitForURL(/\/admin\/clients$/);
    await page.getByRole('link', { name: 'New client' }).click();

    // Client ID
    await page.getByLabel('Client ID').fill('www');
    await shot(page, 'wizard-1-client-id');
    await page.getByRole('button', { name: 'Next' }).click();

    // Capabilities: Code Flow
    const codeFlow = page.getByRole('checkbox', { name: /Code Flow/ });
    assert.equal(await codeFlow.isChecked(), true, 'Code Flow is preselected');
    await shot(page, 'wizard-2-capabilities');
    await page.getByRole('button', { name: 'Next' }).click();

    // Redirect URIs: a bad one is refused with the reason, the seed's one is added
    await page.getByRole('textbox', { name: 'Redirect URI' }).fill('http://app.example.com/callback#top');
    await page.getByRole('button', { name: 'Add' }).click();
    const refusal = (await page.getByRole('alert').textContent()) ?? '';
    assert.match(refusal, /fragment/);
    assert.match(refusal, /https/);
    await shot(page, 'wizard-3-redirect-uri-refused');
    await page.getByRole('textbox', { name: 'Redirect URI' }).fill(CALLBACK);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('textbox', { name: 'Redirect URI' }).fill('https://www.example.com/callback');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('button', { name: 'Remove https://www.example.com/callback' }).click();
    assert.deepEqual(
      await page.getByRole('list', { name: 'Added so far' }).locator('code').allTextContents(),
      [CALLBACK],
    );
    await shot(page, 'wizard-3-redirect-uri');
    await page.getByRole('button', { name: 'Next' }).click();

    // Client authentication: a secret, entered
    await page.getByRole('radio', { name: /enter one/ }).check();
    await page.getByLabel(/Secret to enter/).fill('too short');
    await page.getByRole('button', { name: 'Next' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /too weak/);
    await page.getByLabel(/Secret to enter/).fill(WWW_SECRET);
    await shot(page, 'wizard-4-client-authentication');
    await page.getByRole('button', { name: 'Next' }).click();

    // User authentication: the html-form authenticator
    await page.getByLabel(/Authenticator/).selectOption('username-password');
    await shot(page, 'wizard-5-user-authentication');
    await page.getByRole('button', { name: 'Next' }).click();

    // Scopes: openid
    const openid = page.getByRole('checkbox', { name: 'openid', exact: true });
    await openid.check();
    await shot(page, 'wizard-6-scopes');
    await page.getByRole('button', { name: 'Next' }).click();

    // Allowed APIs: none configured yet; Security: no profile
    assert.match((await page.locator('main').textContent()) ?? '', /No APIs are configured yet/);
    await shot(page, 'wizard-7-apis');
    await page.getByRole('button', { name: 'Next' }).click();
    assert.equal(await page.getByRole('radio', { name: 'None', exact: true }).isChecked(), true);
    await shot(page, 'wizard-8-security');
    await page.getByRole('button', { name: 'Create client' }).click();

    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Client created');
    assert.equal(await page.locator('#client-secret').count(), 0, 'an entered secret is not echoed');
    await shot(page, 'client-created');
    assert.equal(server.tessera.live().clients.has('www'), false, 'nothing is live before the commit');
  });

  test('Changes shows the draft as a readable diff; Commit with a message makes it live', async () => {
    await page.getByRole('link', { name: 'Review and commit' }).click();
    await page.waitForURL(/\/admin\/changes$/);
    const diff = (await page.locator('.diff').textContent()) ?? '';
    assert.match(diff, /added\s+client\s+www/);
    assert.match(diff, /redirect URIs/, 'fields in the words of the pages');
    assert.doesNotMatch(diff, /redirect_uris|token_endpoint_auth_method/);
    assert.match(diff, /http:\/\/localhost\/callback/);
    assert.ok(!diff.includes(WWW_SECRET) && !diff.includes('hmac'), 'the secret shows only as a fact');
    await shot(page, 'changes');
    await page.getByRole('button', { name: 'Commit' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /commit message/i);
    await page.getByLabel('Commit message').fill('Add the www client (seed tutorial)');
    await page.getByRole('button', { name: 'Commit' }).click();
    await page.waitForURL(/\/admin\/history\/\d+\?committed=1$/);
    committedRevision = Number(/history\/(\d+)/.exec(page.url())![1]);
    assert.equal(server.tessera.live().revision, committedRevision);
    assert.ok(server.tessera.live().clients.has('www'), 'www is live');
    await shot(page, 'revision-committed');
  });

  test('the client page shows its settings; the Tokens tab has refresh tokens, lifetimes and the ID-token algorithm', async () => {
    await page.goto(`${server.url}/admin/clients/www`);
    await shot(page, 'client-overview');
    await page.getByRole('link', { name: 'Tokens', exact: true }).click();
    assert.equal(await page.getByLabel('Enable refresh tokens').isChecked(), true);
    assert.equal(await page.getByLabel('Signing algorithm').inputValue(), 'RS256');
    await shot(page, 'client-tokens');
  });

  test('the code flow runs with the client made in the UI: login page, account, code, tokens', async () => {
    const user = await browser.newContext();
    let callback: URL | undefined;
    await user.route(`${CALLBACK}**`, (route) => {
      callback = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback reached' });
    });
    const tab = await user.newPage();
    await tab.goto(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: 'www',
        state: 'admin-e2e',
        redirect_uri: CALLBACK,
        scope: 'openid',
      })}`,
    );
    assert.equal(await tab.getByRole('heading', { level: 1 }).textContent(), 'Log in');
    await tab.getByRole('link', { name: 'Create account' }).click();
    await tab.getByLabel('Username').fill('johndoe');
    await tab.getByLabel('Password').fill('a long enough password');
    await tab.getByRole('button', { name: 'Create account' }).click();
    await tab.waitForURL(`${CALLBACK}**`);
    assert.ok(callback, 'the browser reached the callback');
    assert.equal(callback.searchParams.get('state'), 'admin-e2e');
    const code = callback.searchParams.get('code');
    assert.ok(code, 'the callback carries a code');
    const res = await fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('www', WWW_SECRET),
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
    });
    const tokens = (await res.json()) as Record<string, string>;
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.ok(tokens['id_token'] && tokens['access_token'], 'an ID token and an access token');
    await user.close();
  });

  test('History lists the commit; rolling back to the revision before it makes the client gone', async () => {
    await page.getByRole('link', { name: 'History' }).click();
    const rows = await page.locator('tbody tr').allTextContents();
    assert.match(rows[0] ?? '', /Add the www client \(seed tutorial\)/);
    assert.match(rows[0] ?? '', /alice/);
    await shot(page, 'history');
    const previous = committedRevision - 1;
    await page.getByRole('link', { name: `#${previous}`, exact: true }).click();
    await shot(page, 'revision-before');
    await page.getByLabel('Commit message').fill('Roll back: remove www again');
    await page.getByRole('button', { name: `Roll back to revision ${previous}` }).click();
    await page.waitForURL(/\/admin\/history\/\d+\?committed=1$/);
    const diff = (await page.locator('.diff').textContent()) ?? '';
    assert.match(diff, /removed\s+client\s+www/);
    await shot(page, 'rollback');
    assert.equal(server.tessera.live().clients.has('www'), false, 'www is gone from the live configuration');

    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    assert.equal(await page.locator('tbody tr').count(), 0, 'the client list is empty again');
    const user = await browser.newContext();
    const tab = await user.newPage();
    const response = await tab.goto(
      `${server.url}/oauth/v2/oauth-authorize?response_type=code&client_id=www&redirect_uri=${encodeURIComponent(CALLBACK)}`,
    );
    assert.equal(response?.status(), 400, 'the authorization endpoint no longer knows www');
    await user.close();
  });

  test('the other pages: scopes and claims, authenticators, API tokens, and the client list on a phone', async () => {
    await page.goto(`${server.url}/admin/scopes`);
    await page.getByLabel('Name').fill('calendar.read');
    await page.getByLabel(/Description/).fill('Read your calendar');
    await page.getByLabel(/Claims/).fill('calendar_id');
    await page.getByRole('button', { name: 'Create scope' }).click();
    await page.waitForURL(/saved=calendar.read/);
    await shot(page, 'scopes');

    await page.goto(`${server.url}/admin/authenticators`);
    await page.getByRole('button', { name: 'Turn registration off' }).click();
    await page.waitForURL(/saved=username-password/);
    assert.match((await page.locator('main').textContent()) ?? '', /registration is off/);
    await shot(page, 'authenticators');

    await page.goto(`${server.url}/admin/changes`);
    await shot(page, 'changes-pending');
    await page.getByRole('button', { name: 'Discard all changes' }).click();

    await page.goto(`${server.url}/admin/tokens`);
    await page.getByLabel('Token name').fill('deploy pipeline');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('#api-token').textContent()) ?? '';
    assert.match(token, /^tsr_/);
    await shot(page, 'api-tokens');
    const api = await fetch(`${server.url}/admin/api/clients`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(api.status, 200, 'the token works on the API');

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.addCookies(await admin.cookies());
    const small = await phone.newPage();
    await small.goto(`${server.url}/admin/new-client`);
    await small.screenshot({ path: join(ARTIFACTS, 'admin-phone-wizard.png'), fullPage: true });
    await phone.close();
  });

  test('an API, then a Client Credentials client with private_key_jwt made in the wizard; FAPI 2.0 refused with its rules; the client gets a token for the API', async () => {
    const API = 'https://orders.example.com';
    await page.goto(`${server.url}/admin/apis`);
    await page.getByLabel(/^Identifier/).fill(API);
    await page.getByLabel(/^Name/).fill('Orders API');
    await page.getByRole('radio', { name: 'JWT', exact: true }).check();
    await page.getByRole('button', { name: 'Create API' }).click();
    await page.waitForURL(/\/admin\/apis\?saved=/);
    assert.match((await page.locator('tbody').textContent()) ?? '', /orders\.example\.com[\s\S]*JWT, 300 s/);
    await shot(page, 'apis');

    await page.goto(`${server.url}/admin/new-client`);
    await page.getByLabel('Client ID').fill('orders-sync');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: /Code Flow/ }).uncheck();
    await page.getByRole('checkbox', { name: /Client Credentials/ }).check();
    await shot(page, 'wizard-machine-capabilities');
    await page.getByRole('button', { name: 'Next' }).click();
    assert.equal(
      await page.getByRole('heading', { level: 2 }).textContent(),
      'Client authentication',
      'no redirect URI is asked of a machine client',
    );
    assert.equal(await page.getByRole('radio', { name: /public client/ }).count(), 0, 'nor can it be public');
    await page.getByRole('radio', { name: /Signed JWT with a private key/ }).check();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'orders-sync-1', alg: 'ES256' }] };
    await page.getByLabel(/^JWKS \(/).fill(JSON.stringify(jwks, null, 2));
    await page.getByLabel(/Signing algorithm of the client's JWT/).selectOption('ES256');
    await shot(page, 'wizard-machine-client-authentication');
    await page.getByRole('button', { name: 'Next' }).click();
    assert.equal(await page.getByRole('checkbox', { name: 'openid', exact: true }).isChecked(), false);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox', { name: /Orders API/ }).check();
    await shot(page, 'wizard-machine-apis');
    await page.getByRole('button', { name: 'Next' }).click();
    await shot(page, 'wizard-machine-security');
    await page.getByRole('button', { name: 'Create client' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Client created');
    assert.match((await page.locator('main').textContent()) ?? '', /it has no secret/);
    await shot(page, 'client-machine-created');

    await page.getByRole('link', { name: 'Open the client' }).click();
    await shot(page, 'client-machine-overview');
    const security = page.locator('#security');
    await security.getByRole('radio', { name: 'FAPI 2.0' }).check();
    await security.getByLabel('Request object signing algorithm').selectOption('RS256');
    await security.getByRole('button', { name: 'Save security settings' }).click();
    const refusal = (await page.locator('#security [role="alert"]').textContent()) ?? '';
    assert.match(
      refusal,
      /ID token signing algorithm \(on the Tokens tab\): FAPI 2\.0 \(§5\.4\.1\) allows PS256, ES256 or EdDSA/,
    );
    assert.match(refusal, /Request object signing algorithm: FAPI 2\.0 \(§5\.4\.1\)/);
    assert.doesNotMatch(refusal, /id_token|request_object|_alg\b/, 'no config keys where a person reads');
    assert.equal(
      await security.getByRole('radio', { name: 'FAPI 2.0' }).isChecked(),
      true,
      'the choice is kept',
    );
    await page.locator('#security').scrollIntoViewIfNeeded();
    await shot(page, 'client-fapi2-refused');

    await page.goto(`${server.url}/admin/changes`);
    const diff = (await page.locator('.diff').textContent()) ?? '';
    assert.match(diff, /added\s+API\s+https:\/\/orders\.example\.com/);
    // A new client is one line in the wizard's words; its defaults fold away.
    assert.match(diff, /\(Client Credentials, JWT signed with a private key, \d+ scopes?\)/);
    assert.match(diff, /allowed APIs/);
    await shot(page, 'changes-machine');
    await page.getByLabel('Commit message').fill('Orders API and its sync service');
    await page.getByRole('button', { name: 'Commit' }).click();
    await page.waitForURL(/\/admin\/history\/\d+\?committed=1$/);

    // The client as the admin made it, at the token endpoint: client credentials for the API.
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'orders-sync-1' })
      .setIssuer('orders-sync')
      .setSubject('orders-sync')
      .setAudience(server.issuer)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    const res = await fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: API,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    const tokens = (await res.json()) as Record<string, string>;
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.equal(decodeJwt(tokens['access_token']!).aud, API, 'a JWT access token for the API alone');
  });

  test('refused input gets a readable page: a revision id that names none, a control character at the edge', async () => {
    const missing = await page.goto(`${server.url}/admin/history/not-a-number`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'No such revision');
    await shot(page, 'revision-not-found');

    const refused = await page.goto(
      `${server.url}/authn/authenticate/html-form/username-password?login_hint=a%00b`,
    );
    assert.equal(refused?.status(), 400);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Bad request');
    assert.match((await page.locator('main').textContent()) ?? '', /login_hint contains a control character/);
    await page.screenshot({ path: join(ARTIFACTS, 'authn-refused-input.png'), fullPage: true });
  });

  test('keyboard: the skip link comes first and the focused control is visibly outlined', async () => {
    await page.goto(`${server.url}/admin/clients`);
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    assert.equal(await focused.textContent(), 'Skip to content');
    await page.keyboard.press('Tab');
    const outline = await focused.evaluate(
      (element) => element.ownerDocument.defaultView!.getComputedStyle(element).outlineStyle,
    );
    assert.notEqual(outline, 'none', 'focus is visible');
  });
});
