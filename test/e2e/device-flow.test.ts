// The device flow end to end (RFC 8628): openid-client 6 is the device, Chromium is the user's phone.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, chromiumMissing, launchBrowser, strictPage } from '../fixtures/browser.ts';
import { PASSWORD, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const skip = chromiumMissing();

describe('the device flow with openid-client and Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let config: client.Configuration;
  before(async () => {
    server = await startServer({
      config: {
        // One second between polls keeps the test short; the default is 5 (§3.2).
        server: { device_poll_interval: 1 },
        clients: [
          {
            client_id: 'tv',
            name: 'Living-room TV',
            capabilities: ['device_code'],
            token_endpoint_auth_method: 'none',
            scopes: ['openid', 'profile'],
          },
        ],
      },
    });
    await signUp(server, 'carol');
    browser = await launchBrowser();
    config = await client.discovery(new URL(server.issuer), 'tv', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** On the phone: open the URL the device shows, enter the code, log in; leaves the confirmation open. */
  async function openConfirmation(page: Page, device: client.DeviceAuthorizationResponse, shot?: string) {
    await page.goto(device.verification_uri);
    // The page puts the cursor in the code field: the user types straight away.
    assert.equal(await page.locator(':focus').getAttribute('id'), 'user_code');
    await page.keyboard.type(device.user_code.toLowerCase().replace('-', ''));
    if (shot) await page.screenshot({ path: join(ARTIFACTS, `${shot}-code.png`), fullPage: true });
    await page.keyboard.press('Enter');
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Allow this device?' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /Living-room TV/);
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(device.user_code));
    if (shot) await page.screenshot({ path: join(ARTIFACTS, `${shot}-confirm.png`), fullPage: true });
  }

  test('discovery advertises the device authorization endpoint and the grant', () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.device_authorization_endpoint, `${server.url}/oauth/v2/oauth-device-authorization`);
    assert.ok(metadata.grant_types_supported?.includes('urn:ietf:params:oauth:grant-type:device_code'));
  });

  test('the user enters the code, logs in and approves: the polling device gets tokens and an ID token for the user', async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    assert.match(device.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    const polling = client.pollDeviceAuthorizationGrant(config, device);
    const page = await strictPage(browser);
    await openConfirmation(page, device, 'device');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Device connected' }).waitFor();
    const tokens = await polling;
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token);
    const claims = tokens.claims()!;
    assert.equal(claims.aud, 'tv');
    assert.equal(claims.sub, 'carol');
    // The access token speaks for the user who approved: userinfo answers for the same subject.
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, 'carol');
    await page.context().close();
  });

  test('the user denies: the polling device gets access_denied', async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    const polling = client.pollDeviceAuthorizationGrant(config, device).then(
      () => assert.fail('the device got tokens after Deny'),
      (error: unknown) => error,
    );
    const page = await strictPage(browser);
    await openConfirmation(page, device);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Request denied' }).waitFor();
    const error = (await polling) as client.ResponseBodyError;
    assert.ok(error instanceof client.ResponseBodyError, String(error));
    assert.equal(error.error, 'access_denied');
    await page.context().close();
  });
});
