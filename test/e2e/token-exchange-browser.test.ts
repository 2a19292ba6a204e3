// Token exchange in the admin UI, in Chromium: trust an issuer, set a client's policy by keyboard, see refusals in words.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { adminLogIn, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();
const IMAGES = join(process.cwd(), 'docs', 'images');
const ORDERS = 'https://orders.example/api';
const PARTNER_JWKS = JSON.stringify({
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      kid: 'p1',
    },
  ],
});

describe('token exchange in the admin UI (Chromium)', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer({ config: { clients: [] } });
    await addAdmin(server);
    // Committed through the API first, so the admin's own draft (the UI's) starts from a revision with them.
    const api = adminApi(server, await apiToken(server));
    await api.post('/scopes', { name: 'orders:read' });
    await api.post('/apis', { identifier: ORDERS, name: 'Orders API', scopes: ['orders:read'] });
    const made = await api.post('/clients', {
      client_id: 'gateway',
      capabilities: ['client_credentials'],
      scopes: ['orders:read'],
      apis: [ORDERS],
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const commit = await api.post('/changes/commit', { message: 'the orders API and its gateway' });
    assert.equal(commit.status, 201, JSON.stringify(commit.body));
    browser = await launchBrowser();
    page = await strictPage(browser);
    await adminLogIn(page, server.url, 'alice', ADMIN_PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the Trusted issuers page: a URL and pasted keys, one of the two, then listed', async () => {
    await page.goto(`${server.url}/admin/apis`);
    await page.getByRole('link', { name: 'Trusted issuers' }).click();
    await page.getByLabel('Issuer URL').fill('https://login.partner.example');
    await page.getByLabel('Name (optional)').fill('Partner sign-in');
    await page.getByRole('button', { name: 'Trust issuer' }).click();
    await page.getByText('or give the URL it publishes them at').waitFor();
    assert.equal(await page.getByLabel('Issuer URL').inputValue(), 'https://login.partner.example');
    await page.getByLabel('…or paste its public keys').fill(PARTNER_JWKS);
    await page.getByRole('button', { name: 'Trust issuer' }).click();
    await page.getByRole('status').getByText('saved to your draft').waitFor();
    await page
      .getByRole('cell', { name: /login\.partner\.example/ })
      .first()
      .waitFor();
    await page.screenshot({ path: join(IMAGES, 'admin-trusted-issuers.png'), fullPage: true });
  });

  test('the client page: Token exchange set by keyboard and saved; a policy allowing neither mode is refused in words', async () => {
    await page.goto(`${server.url}/admin/clients/gateway`);
    const section = page.locator('#token_exchange');
    const tick = async (label: string) => {
      await section.getByLabel(label, { exact: true }).focus();
      await page.keyboard.press('Space');
    };
    await tick('Allow token exchange for this client');
    await tick('Impersonation');
    await section
      .getByRole('group', { name: 'Tokens it may trade in' })
      .getByLabel('Access tokens this server issued')
      .check();
    await section
      .getByRole('group', { name: 'Tokens it may trade in' })
      .getByLabel('JWTs from a trusted issuer')
      .check();
    await section.getByLabel(/Orders API/).check();
    await section.getByLabel(/Partner sign-in/).check();
    await section.getByLabel(/Other clients whose users/).fill('web');
    await section.getByRole('button', { name: 'Save token exchange' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Saved to your draft').waitFor();
    const draft = await server.tessera.store.admin.drafts.get('admin:alice');
    const stored = { body: draft!.snapshot.clients.find((c) => c.client_id === 'gateway')! };
    assert.deepEqual(stored.body.capabilities, ['client_credentials', 'token_exchange']);
    assert.deepEqual(stored.body.token_exchange, {
      subject_token_types: ['access_token', 'jwt'],
      actor_token_types: [],
      audiences: [ORDERS],
      impersonation: true,
      delegation: false,
      trusted_issuers: ['https://login.partner.example'],
      subject_clients: ['web'],
    });
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(IMAGES, 'admin-client-token-exchange.png') });
    await section.getByLabel('Impersonation', { exact: true }).uncheck();
    await section.getByRole('button', { name: 'Save token exchange' }).click();
    const refusal = section.getByText('allow impersonation, delegation or both');
    await refusal.waitFor();
    assert.match((await section.textContent()) ?? '', /Token exchange: impersonation/);
    assert.equal(
      await section.getByLabel('Impersonation', { exact: true }).isChecked(),
      false,
      'the page keeps what was sent',
    );
    assert.doesNotMatch((await section.textContent()) ?? '', /token_exchange\.impersonation/);
    await section.screenshot({ path: join(IMAGES, 'admin-client-token-exchange-refused.png') });
  });
});
