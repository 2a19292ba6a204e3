// The admin's Keys page in a real Chromium during a master-key rotation: the state of each key, then one click re-encrypts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createTessera, type Tessera } from '../../src/main.ts';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { ARTIFACTS, chromiumMissing, launchBrowser } from '../fixtures/browser.ts';
import { freePort } from '../fixtures/server.ts';

const skip = chromiumMissing();
const OLD = randomBytes(32).toString('base64url');
const NEW = randomBytes(32).toString('base64url');

describe('the Keys page in Chromium', { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-keys-browser-'));
  const configFile = join(dataDir, 'tessera.yaml');
  let tessera: Tessera;
  let browser: Browser;
  let page: Page;
  let url = '';

  const boot = (env: Record<string, string>) =>
    createTessera({
      overrides: { config: configFile, data: dataDir, host: '127.0.0.1', baseUrl: url },
      env,
    });

  before(async () => {
    writeFileSync(configFile, 'clients: []\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Made under the old key, then served with the new one and the old one beside it: the overlap.
    const first = await boot({ TESSERA_MASTER_KEY: OLD });
    // A first start makes its signing keys as it becomes ready: under the old key, before the rotation.
    await first.app.ready();
    await addAdmin({
      tessera: first,
      url,
      issuer: first.endpoints.issuer,
      dataDir,
      close: () => first.close(),
    });
    await first.close();
    tessera = await boot({ TESSERA_MASTER_KEY: NEW, TESSERA_MASTER_KEY_PREVIOUS: OLD });
    await tessera.app.listen({ port, host: '127.0.0.1' });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    page.setDefaultTimeout(5000);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) assert.fail(`CSP violation: ${message.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await tessera?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('during a rotation the page shows what is under the previous key; the button moves it all to the current one', async () => {
    await page.goto(`${url}/admin/login`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/admin`);
    await page.getByRole('link', { name: 'Keys' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Keys');
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /0 under the current key, 9 under the previous one/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'admin-keys.png'), fullPage: true });

    await page.getByRole('button', { name: 'Re-encrypt under the current master key' }).click();
    const status = page.getByRole('status');
    assert.match((await status.textContent()) ?? '', /4 signing keys and 5 data keys/);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /9 under the current key, 0 under the previous one/,
    );
    assert.equal(
      await page.getByRole('button', { name: 'Re-encrypt under the current master key' }).count(),
      0,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'admin-keys-reencrypted.png'), fullPage: true });
  });
});
