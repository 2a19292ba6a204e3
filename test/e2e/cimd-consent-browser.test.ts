// The consent page for a client known only by its metadata document, in Chromium: host first, the localhost warning, keyboard.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { type DocumentServer, json, startDocumentServer } from '../fixtures/https-documents.ts';
import { authorizeUrl, PASSWORD, pkce, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');

describe('consent for a client ID metadata document client, in Chromium', { skip }, () => {
  let docs: DocumentServer;
  let server: TestServer;
  let browser: Browser;
  let callbackServer: Server;
  let callback: string;
  const arrived: URL[] = [];
  before(async () => {
    callbackServer = createServer((req, res) => {
      arrived.push(new URL(req.url ?? '/', callback));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    docs = await startDocumentServer();
    docs.routes.set('/local.json', (res) =>
      json(res, {
        client_id: `${docs.base}/local.json`,
        client_name: 'Notes Agent',
        redirect_uris: [callback],
      }),
    );
    docs.routes.set('/web.json', (res) =>
      json(res, {
        client_id: `${docs.base}/web.json`,
        client_name: 'Notes Web',
        redirect_uris: ['https://notes.example/callback'],
      }),
    );
    server = await startServer({
      config: {
        server: {
          client_id_metadata_documents: {
            enabled: true,
            scopes: ['openid', 'profile'],
            deny_hosts: ['*.untrusted.example'],
            cache_max_seconds: 3_600,
          },
          outbound: { ca_files: [docs.caFile] },
        },
      },
    });
    await signUp(server, 'dora');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await docs?.close();
    callbackServer?.closeAllConnections();
    callbackServer?.close();
  });

  const request = (clientId: string, redirectUri: string) =>
    authorizeUrl(server, {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 'st',
    });

  test('the host comes first, a localhost-only client is warned about, and Allow works from the keyboard', async () => {
    const page = await strictPage(browser);
    await page.goto(request(`${docs.base}/local.json`, callback));
    await page.getByLabel('Username').fill('dora');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    const host = new URL(docs.base).host;
    assert.equal(await page.locator('.client-host strong').textContent(), host);
    assert.match((await page.getByRole('alert').textContent()) ?? '', /sends you back only to this computer/);
    await page.screenshot({ path: join(IMAGES, 'cimd-consent.png'), fullPage: true });
    // Keyboard only: Tab reaches Allow first (after the page's links), Enter submits.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if ((await page.locator(':focus').textContent()) === 'Allow') break;
    }
    assert.equal(await page.locator(':focus').textContent(), 'Allow');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/callback\?/);
    // The browser may ask the callback's server for /favicon.ico too: look at the callback itself.
    const landed = arrived.filter((u) => u.pathname === '/callback').at(-1);
    assert.ok(landed?.searchParams.get('code'), 'the code arrived at the redirect URI from the document');
    assert.equal(landed?.searchParams.get('state'), 'st');

    // A client whose redirect URIs are on the web gets the host, and no warning.
    await page.goto(request(`${docs.base}/web.json`, 'https://notes.example/callback'));
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    assert.equal(await page.locator('.client-host strong').textContent(), host);
    assert.equal(await page.getByRole('alert').count(), 0);
    await page.context().close();
  });

  test('the admin reads the metadata document rules in plain words on the Registered clients page', async () => {
    await addAdmin(server);
    const page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin/registered-clients`);
    const box = page.getByRole('region', { name: 'Clients known by their metadata document' });
    const text = (await box.textContent()) ?? '';
    assert.match(text, /Documents may come from any web host\./);
    assert.match(text, /Never from \*\.untrusted\.example\./);
    assert.match(text, /Scopes such a client may get: openid, profile\./);
    assert.match(text, /kept between 1 minute and 1 hour/);
    assert.doesNotMatch(text, /cache_|_hosts|client_id_metadata/, 'no raw config keys where a person reads');
    await box.screenshot({ path: join(IMAGES, 'admin-cimd-rules.png') });
    await page.context().close();
  });
});
