// The code flow driven by a real relying-party library, openid-client 6: discovery, PKCE, state, iss, nonce, refresh.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { followToCallback } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const CALLBACK = 'http://localhost/callback';
let server: TestServer;
const browser = new UserAgent();

before(async () => {
  server = await startServer();
});
after(() => server.close());

const userAgentFlow = (authorizationUrl: URL) => followToCallback(browser, server, authorizationUrl);

for (const [name, auth] of [
  ['client_secret_basic', client.ClientSecretBasic(WWW_SECRET)],
  ['client_secret_post', client.ClientSecretPost(WWW_SECRET)],
] as const) {
  describe(`openid-client with ${name}`, () => {
    let config: client.Configuration;

    test('discovers the issuer from its well-known metadata', async () => {
      config = await client.discovery(new URL(server.issuer), 'www', undefined, auth, {
        execute: [client.allowInsecureRequests],
      });
      assert.equal(config.serverMetadata().issuer, server.issuer);
      assert.equal(config.serverMetadata().authorization_response_iss_parameter_supported, true);
    });

    test('runs the code flow with PKCE, state, nonce and iss checks, validates the ID token, refreshes and reads userinfo', async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const callback = await userAgentFlow(url);
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      assert.equal(claims.sub, 'alice');
      assert.equal(claims.aud, 'www');
      assert.equal(claims.nonce, nonce);
      assert.ok(tokens.refresh_token);

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      assert.notEqual(refreshed.access_token, tokens.access_token);
      assert.equal(refreshed.claims()?.sub, 'alice');

      const userinfo = await client.fetchUserInfo(config, refreshed.access_token, 'alice');
      assert.equal(userinfo.sub, 'alice');
      assert.equal(userinfo['preferred_username'], 'alice');
    });

    test('rejects a callback whose iss is not the issuer (mix-up defence works end to end)', async () => {
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: 'openid',
        state,
        nonce: 'n',
      });
      const callback = await userAgentFlow(url);
      callback.searchParams.set('iss', 'https://attacker.example');
      await assert.rejects(
        client.authorizationCodeGrant(config, callback, { expectedState: state, expectedNonce: 'n' }),
      );
    });
  });
}
