// openid-client 6 registers itself (RFC 7591) and then runs the code flow as the client it became, consent included.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as client from 'openid-client';
import { hashToken } from '../../src/protocol/tokens/opaque.ts';
import { addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';
let server: TestServer;
const browser = new UserAgent();

before(async () => {
  server = await startServer({ config: { server: { registration: { enabled: true, access: 'open' } } } });
});
after(() => server.close());

/** Login (signing up alice on the way), then Allow on the consent page a registered client always gets. */
async function approve(url: URL): Promise<URL> {
  let page = await browser.follow(url.href);
  if (/register/.test(page.body) && /password/.test(page.body)) {
    const register = /href="([^"]*register[^"]*)"/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    page = await browser.follow(new URL(register, server.url).href);
    page = await browser.submit(page, { username: 'alice', password: 'alice in wonderland' });
  }
  assert.equal(page.status, 200, 'a registered client always asks for consent');
  assert.match(page.body, /Allow/);
  page = await browser.submit(page, { decision: 'allow' });
  assert.equal(page.status, 303, page.body.slice(0, 300));
  return new URL(page.headers.get('location')!);
}

for (const method of ['client_secret_basic', 'none'] as const) {
  test(`a client registered with openid-client (${method}) completes a code flow with PKCE and refresh`, async () => {
    const config = await client.dynamicClientRegistration(
      new URL(server.issuer),
      {
        redirect_uris: [CALLBACK],
        client_name: `e2e ${method}`,
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: method,
        scope: 'openid profile offline_access',
      },
      method === 'none' ? client.None() : undefined,
      { execute: [client.allowInsecureRequests] },
    );
    const registered = config.clientMetadata();
    assert.ok(registered.client_id);
    assert.equal(registered.client_secret !== undefined, method !== 'none');
    assert.ok(registered['registration_access_token'], 'RFC 7591 §3.2.1: a registration access token');

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const tokens = await client.authorizationCodeGrant(config, await approve(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      idTokenExpected: true,
    });
    assert.equal(tokens.claims()?.aud, registered.client_id);
    assert.ok(tokens.refresh_token);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);

    // RFC 7592 §2.3: once deleted, what it was issued stops working.
    const del = await fetch(String(registered['registration_client_uri']), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${registered['registration_access_token']}` },
    });
    assert.equal(del.status, 204);
    const latest = refreshed.refresh_token ?? tokens.refresh_token!;
    assert.equal(
      (await server.tessera.store.grants.findToken(hashToken(latest)))?.revoked,
      true,
      'revoked in the store',
    );
    await assert.rejects(client.refreshTokenGrant(config, latest));
  });
}

test('with the policy requiring one, openid-client registers with an initial access token an admin created', async () => {
  const guarded = await startServer({
    config: { server: { registration: { enabled: true, access: 'initial_access_token' } } },
  });
  try {
    await addAdmin(guarded);
    const api = adminApi(guarded, await apiToken(guarded));
    const made = await api.post('/registration/tokens', { label: 'e2e', uses: 1 });
    const metadata = { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' };
    const options = { execute: [client.allowInsecureRequests] };
    await assert.rejects(
      client.dynamicClientRegistration(new URL(guarded.issuer), metadata, client.None(), options),
      (error: Error & { status?: number }) => error.status === 401 || /401|invalid_token/.test(String(error)),
    );
    const config = await client.dynamicClientRegistration(new URL(guarded.issuer), metadata, client.None(), {
      ...options,
      initialAccessToken: made.body.token as string,
    });
    assert.ok(config.clientMetadata().client_id);
    const clients = (await api.get('/registration/clients')).body.clients as { registered_by: string }[];
    assert.deepEqual(
      clients.map((c) => c.registered_by),
      ['initial access token: e2e'],
    );
  } finally {
    await guarded.close();
  }
});
