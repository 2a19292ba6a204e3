// Machine clients and FAPI 2.0 through openid-client 6: client credentials with resource, private_key_jwt, PAR, DPoP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { followToCallback } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

const CALLBACK = 'http://localhost/callback';
const REPORTS_API = 'https://reports.example/api';
const SVC_SECRET = 'svc-Secret_Q8m2Zx5Tn7Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2IoX';
const insecure = { execute: [client.allowInsecureRequests] };

let server: TestServer;
let clientKeys: Awaited<ReturnType<typeof generateKeyPair>>;
const browser = new UserAgent();

before(async () => {
  clientKeys = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(clientKeys.publicKey)), kid: 'bank-1', use: 'sig', alg: 'ES256' };
  server = await startServer({
    config: {
      scopes: [{ name: 'reports:read' }, { name: 'accounts' }],
      apis: [{ identifier: REPORTS_API, scopes: ['reports:read'], access_token_format: 'jwt' }],
      clients: [
        {
          client_id: 'svc',
          capabilities: ['client_credentials'],
          secret: SVC_SECRET,
          scopes: ['reports:read'],
          apis: [REPORTS_API],
        },
        {
          client_id: 'svc-jwt',
          capabilities: ['client_credentials'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [jwk] },
          scopes: ['reports:read'],
        },
        {
          client_id: 'bank',
          profile: 'fapi2',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [jwk] },
          id_token_signed_response_alg: 'ES256',
          redirect_uris: [CALLBACK],
          scopes: ['openid', 'profile', 'accounts'],
        },
      ],
    },
  });
});
after(() => server.close());

const userAgentFlow = (authorizationUrl: URL) => followToCallback(browser, server, authorizationUrl);

const discover = (clientId: string, auth: client.ClientAuth, metadata?: Partial<client.ClientMetadata>) =>
  client.discovery(new URL(server.issuer), clientId, metadata, auth, insecure);

describe('client credentials through openid-client', () => {
  test('client_secret_basic with resource: a JWT for the API that verifies against the JWKS', async () => {
    const config = await discover('svc', client.ClientSecretBasic(SVC_SECRET));
    assert.ok(config.serverMetadata().grant_types_supported?.includes('client_credentials'));
    const tokens = await client.clientCredentialsGrant(config, {
      scope: 'reports:read',
      resource: REPORTS_API,
    });
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.id_token, undefined);
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: server.issuer,
      audience: REPORTS_API,
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.sub, 'svc');
    assert.equal(payload['scope'], 'reports:read');
  });

  test('an unknown resource is refused with invalid_target', async () => {
    const config = await discover('svc', client.ClientSecretBasic(SVC_SECRET));
    await assert.rejects(
      client.clientCredentialsGrant(config, { resource: 'https://elsewhere.example/' }),
      (error: client.ResponseBodyError) => error.error === 'invalid_target',
    );
  });

  test('private_key_jwt: a signed assertion authenticates; a second use of its jti is refused', async () => {
    const config = await discover(
      'svc-jwt',
      client.PrivateKeyJwt({ key: clientKeys.privateKey, kid: 'bank-1' }),
    );
    assert.ok(config.serverMetadata().token_endpoint_auth_methods_supported?.includes('private_key_jwt'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'reports:read' });
    assert.ok(tokens.access_token);
    // Two assertions with one jti: the second is a replay.
    const replaying = await discover(
      'svc-jwt',
      client.PrivateKeyJwt(
        { key: clientKeys.privateKey, kid: 'bank-1' },
        {
          [client.modifyAssertion]: (_header, payload) => {
            payload.jti = 'fixed-jti-for-replay';
          },
        },
      ),
    );
    await client.clientCredentialsGrant(replaying, { scope: 'reports:read' });
    await assert.rejects(
      client.clientCredentialsGrant(replaying, { scope: 'reports:read' }),
      (error: client.ResponseBodyError) => error.error === 'invalid_client',
    );
  });
});

describe('FAPI 2.0 client through openid-client: PAR, PKCE, private_key_jwt, DPoP', () => {
  test('the whole flow: pushed request, DPoP-bound code and tokens, userinfo with DPoP', async () => {
    const config = await discover(
      'bank',
      client.PrivateKeyJwt({ key: clientKeys.privateKey, kid: 'bank-1' }),
      { id_token_signed_response_alg: 'ES256' },
    );
    const metadata = config.serverMetadata();
    assert.ok(metadata.pushed_authorization_request_endpoint);
    assert.ok(metadata.dpop_signing_alg_values_supported?.includes('ES256'));
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(
      config,
      {
        redirect_uri: CALLBACK,
        scope: 'openid accounts',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      },
      { DPoP: dpop },
    );
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    const callback = await userAgentFlow(url);
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true },
      undefined,
      { DPoP: dpop },
    );
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.equal(tokens.claims()?.sub, 'alice');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'alice', { DPoP: dpop });
    assert.equal(userinfo.sub, 'alice');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, {
      DPoP: dpop,
    });
    assert.equal(refreshed.token_type.toLowerCase(), 'dpop');
  });

  test('a plain (unpushed) authorization request from the FAPI client is refused', async () => {
    const config = await discover(
      'bank',
      client.PrivateKeyJwt({ key: clientKeys.privateKey, kid: 'bank-1' }),
    );
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const page = await browser.follow(url.href);
    const location = page.headers.get('location');
    const error = location
      ? new URL(location).searchParams.get('error')
      : /invalid_request/.exec(page.body)?.[0];
    assert.equal(error, 'invalid_request');
  });
});
