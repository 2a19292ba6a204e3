// Token exchange (RFC 8693) with real RP libraries: openid-client 6 and oauth4webapi 3 genericTokenEndpointRequest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { followToCallback } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const CALLBACK = 'http://localhost/callback';
const ORDERS = 'https://orders.example/api';
const REPORTS = 'https://reports.example/api';
const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const APP_SECRET = 'app-Secret_R7m2Zx5Tn7Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2IoQ';
const GATEWAY_SECRET = 'gw-Secret_T4k8Qz7Tx2Wm5Nb8Rv4Lc1Yh6Jd0Fs-Ga7Ue2Io9P';
const insecure = { execute: [client.allowInsecureRequests] };

let server: TestServer;
const browser = new UserAgent();

before(async () => {
  server = await startServer({
    config: {
      scopes: [{ name: 'orders:read' }, { name: 'orders:write' }, { name: 'reports:read' }],
      apis: [
        { identifier: ORDERS, scopes: ['orders:read', 'orders:write'] },
        { identifier: REPORTS, scopes: ['reports:read'], access_token_format: 'jwt' },
      ],
      clients: [
        {
          client_id: 'app',
          redirect_uris: [CALLBACK],
          secret: APP_SECRET,
          scopes: ['openid', 'orders:read', 'reports:read'],
        },
        {
          client_id: 'gateway',
          capabilities: ['client_credentials', 'token_exchange'],
          secret: GATEWAY_SECRET,
          scopes: ['orders:read', 'reports:read'],
          token_exchange: {
            subject_token_types: ['access_token'],
            actor_token_types: ['access_token'],
            audiences: [ORDERS, REPORTS],
            impersonation: true,
            delegation: true,
            subject_clients: ['app'],
          },
        },
      ],
    },
  });
});
after(() => server.close());

/** alice signs in to the app through openid-client's code flow; her access token for the app. */
async function aliceAccessToken(): Promise<string> {
  const app = await client.discovery(
    new URL(server.issuer),
    'app',
    undefined,
    client.ClientSecretBasic(APP_SECRET),
    insecure,
  );
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(app, {
    redirect_uri: CALLBACK,
    scope: 'openid orders:read reports:read',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const tokens = await client.authorizationCodeGrant(app, await followToCallback(browser, server, url), {
    pkceCodeVerifier: verifier,
  });
  return tokens.access_token;
}

const gateway = () =>
  client.discovery(
    new URL(server.issuer),
    'gateway',
    undefined,
    client.ClientSecretBasic(GATEWAY_SECRET),
    insecure,
  );

describe('token exchange through openid-client', () => {
  test('discovery advertises the token-exchange grant', async () => {
    const config = await gateway();
    assert.ok(config.serverMetadata().grant_types_supported?.includes(TE));
  });

  test('the gateway exchanges a user access token for an API token on her behalf; introspection shows act, aud, scope', async () => {
    const subject = await aliceAccessToken();
    const config = await gateway();
    const actor = await client.clientCredentialsGrant(config, { scope: 'orders:read' });
    const exchanged = await client.genericGrantRequest(config, TE, {
      subject_token: subject,
      subject_token_type: AT,
      actor_token: actor.access_token,
      actor_token_type: AT,
      resource: ORDERS,
      scope: 'orders:read',
    });
    assert.equal(exchanged['issued_token_type'], AT);
    assert.equal(exchanged.token_type.toLowerCase(), 'bearer');
    const info = await client.tokenIntrospection(config, exchanged.access_token);
    assert.equal(info.active, true);
    assert.equal(info.sub, 'alice');
    assert.equal(info.aud, ORDERS);
    assert.equal(info.scope, 'orders:read');
    assert.deepEqual(info['act'], { sub: 'gateway' });
  });

  test('a JWT-format API token carries act and verifies against the JWKS with the API as audience', async () => {
    const subject = await aliceAccessToken();
    const config = await gateway();
    const actor = await client.clientCredentialsGrant(config, { scope: 'reports:read' });
    const exchanged = await client.genericGrantRequest(config, TE, {
      subject_token: subject,
      subject_token_type: AT,
      actor_token: actor.access_token,
      actor_token_type: AT,
      audience: REPORTS,
    });
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(exchanged.access_token, jwks, {
      issuer: server.issuer,
      audience: REPORTS,
      typ: 'at+jwt',
    });
    assert.equal(payload.sub, 'alice');
    assert.equal(payload['scope'], 'reports:read');
    assert.deepEqual(payload['act'], { sub: 'gateway' });
  });

  test('asking for a scope the subject token lacks is refused with invalid_scope', async () => {
    const subject = await aliceAccessToken();
    const config = await gateway();
    await assert.rejects(
      client.genericGrantRequest(config, TE, {
        subject_token: subject,
        subject_token_type: AT,
        resource: ORDERS,
        scope: 'orders:write',
      }),
      (error: client.ResponseBodyError) => error.error === 'invalid_scope',
    );
  });
});

describe('token exchange through oauth4webapi', () => {
  test("impersonation: a token for the API with the subject's identity and no act", async () => {
    const subject = await aliceAccessToken();
    const as = await oauth.processDiscoveryResponse(
      new URL(server.issuer),
      await oauth.discoveryRequest(new URL(server.issuer), { [oauth.allowInsecureRequests]: true }),
    );
    const gw: oauth.Client = { client_id: 'gateway' };
    const auth = oauth.ClientSecretBasic(GATEWAY_SECRET);
    const response = await oauth.genericTokenEndpointRequest(
      as,
      gw,
      auth,
      TE,
      new URLSearchParams({ subject_token: subject, subject_token_type: AT, resource: ORDERS }),
      { [oauth.allowInsecureRequests]: true },
    );
    const result = await oauth.processGenericTokenEndpointResponse(as, gw, response);
    assert.equal(result['issued_token_type'], AT);
    const info = await oauth.processIntrospectionResponse(
      as,
      gw,
      await oauth.introspectionRequest(as, gw, auth, result.access_token, {
        [oauth.allowInsecureRequests]: true,
      }),
    );
    assert.equal(info.active, true);
    assert.equal(info.sub, 'alice');
    assert.equal(info.aud, ORDERS);
    assert.equal(info['act'], undefined);
  });

  test('an API outside the gateway policy is refused with invalid_target', async () => {
    const subject = await aliceAccessToken();
    const as = await oauth.processDiscoveryResponse(
      new URL(server.issuer),
      await oauth.discoveryRequest(new URL(server.issuer), { [oauth.allowInsecureRequests]: true }),
    );
    const gw: oauth.Client = { client_id: 'gateway' };
    const response = await oauth.genericTokenEndpointRequest(
      as,
      gw,
      oauth.ClientSecretBasic(GATEWAY_SECRET),
      TE,
      new URLSearchParams({
        subject_token: subject,
        subject_token_type: AT,
        resource: 'https://elsewhere.example/',
      }),
      { [oauth.allowInsecureRequests]: true },
    );
    await assert.rejects(
      oauth.processGenericTokenEndpointResponse(as, gw, response),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_target',
    );
  });
});
