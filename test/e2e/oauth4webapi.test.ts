// The code flow driven by oauth4webapi 3 with its strict spec checks: discovery, PKCE, state, iss, nonce, ID token,
// userinfo, introspection, refresh, revocation, JWT access tokens and signed userinfo.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { CALLBACK, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

/** Tessera runs on plain HTTP loopback in tests; every oauth4webapi call must allow it. */
const http = { [oauth.allowInsecureRequests]: true } as const;
const SPA_CALLBACK = 'http://127.0.0.1/cb';

let server: TestServer;
let browser: UserAgent;
let as: oauth.AuthorizationServer;

before(async () => {
  server = await startServer({
    config: {
      clients: [
        { ...wwwClient, scopes: ['openid', 'profile', 'email', 'offline_access'] },
        { ...wwwClient, client_id: 'post', token_endpoint_auth_method: 'client_secret_post' },
        {
          client_id: 'spa',
          token_endpoint_auth_method: 'none',
          redirect_uris: [SPA_CALLBACK],
          scopes: ['openid', 'email'],
        },
        { ...wwwClient, client_id: 'jwt-at', access_token_format: 'jwt' },
        { ...wwwClient, client_id: 'signed-ui', userinfo_signed_response_alg: 'PS256' },
        ...(['PS256', 'ES256', 'EdDSA'] as const).map((alg) => ({
          ...wwwClient,
          client_id: `alg-${alg}`,
          id_token_signed_response_alg: alg,
        })),
      ],
    },
  });
  browser = await signUp(server, 'olivia', { email: 'olivia@example.com' });
  const issuer = new URL(server.issuer);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' }),
  );
});
after(() => server.close());

interface Started {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

async function authorizationRequest(
  client: oauth.Client,
  params: Record<string, string> = {},
  redirectUri = CALLBACK,
): Promise<Started> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  for (const [name, value] of Object.entries({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  }))
    url.searchParams.set(name, value);
  return { url, verifier, state, nonce };
}

/** The browser follows the authorization URL (it has an SSO session) and lands on the callback. */
async function callbackUrl(url: URL, agent = browser): Promise<URL> {
  const response = await agent.follow(url.href);
  assert.equal(response.status, 303, response.body.slice(0, 200));
  return new URL(response.headers.get('location')!);
}

async function codeFlow(
  client: oauth.Client,
  auth: oauth.ClientAuth,
  params: Record<string, string> = {},
  redirectUri = CALLBACK,
) {
  const started = await authorizationRequest(client, params, redirectUri);
  const callbackParams = oauth.validateAuthResponse(
    as,
    client,
    await callbackUrl(started.url),
    started.state,
  );
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    auth,
    callbackParams,
    redirectUri,
    started.verifier,
    http,
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: started.nonce,
    requireIdToken: true,
    ...(params['max_age'] ? { maxAge: Number(params['max_age']) } : {}),
  });
  return { result, response, claims: oauth.getValidatedIdTokenClaims(result)!, started };
}

describe('oauth4webapi with a confidential client (client_secret_basic)', () => {
  const client: oauth.Client = { client_id: 'www' };
  const auth = oauth.ClientSecretBasic(WWW_SECRET);

  test('discovery passes processDiscoveryResponse and names every endpoint the flow needs', () => {
    assert.equal(as.issuer, server.issuer);
    assert.ok(as.authorization_endpoint && as.token_endpoint && as.userinfo_endpoint);
    assert.ok(as.introspection_endpoint && as.revocation_endpoint && as.jwks_uri && as.end_session_endpoint);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.equal(as.authorization_response_iss_parameter_supported, true);
  });

  test('code flow with PKCE S256, state, iss and nonce: the ID token passes every check', async () => {
    const { result, claims, started } = await codeFlow(client, auth);
    assert.equal(claims.iss, server.issuer);
    assert.equal(claims.sub, 'olivia');
    assert.equal(claims.aud, 'www');
    assert.equal(claims.nonce, started.nonce);
    assert.equal(result.token_type, 'bearer');
    assert.equal(typeof result.refresh_token, 'string');
    assert.equal(result.scope, 'openid email');
  });

  test('the ID token signature validates against the JWKS (validateApplicationLevelSignature)', async () => {
    const { response } = await codeFlow(client, auth);
    await oauth.validateApplicationLevelSignature(as, response, http);
  });

  test('max_age: auth_time is present and within max_age', async () => {
    const { claims } = await codeFlow(client, auth, { max_age: '600' });
    assert.equal(typeof claims.auth_time, 'number');
  });

  test('userinfo: processUserInfoResponse accepts the response for the ID token subject', async () => {
    const { result, claims } = await codeFlow(client, auth);
    const response = await oauth.userInfoRequest(as, client, result.access_token, http);
    const userinfo = await oauth.processUserInfoResponse(as, client, claims.sub, response);
    assert.equal(userinfo.sub, 'olivia');
    assert.equal(userinfo.email, 'olivia@example.com');
  });

  test('userinfo for another expected subject is rejected', async () => {
    const { result } = await codeFlow(client, auth);
    const response = await oauth.userInfoRequest(as, client, result.access_token, http);
    await assert.rejects(oauth.processUserInfoResponse(as, client, 'someone-else', response));
  });

  test('introspection: processIntrospectionResponse accepts the response, active with metadata', async () => {
    const { result } = await codeFlow(client, auth);
    const response = await oauth.introspectionRequest(as, client, auth, result.access_token, http);
    const info = await oauth.processIntrospectionResponse(as, client, response);
    assert.equal(info.active, true);
    assert.equal(info.client_id, 'www');
    assert.equal(info.sub, 'olivia');
    assert.equal(info.scope, 'openid email');
  });

  test('refresh: processRefreshTokenResponse validates the new ID token', async () => {
    const { result } = await codeFlow(client, auth);
    const response = await oauth.refreshTokenGrantRequest(as, client, auth, result.refresh_token!, http);
    const refreshed = await oauth.processRefreshTokenResponse(as, client, response);
    assert.notEqual(refreshed.access_token, result.access_token);
    assert.equal(oauth.getValidatedIdTokenClaims(refreshed)?.sub, 'olivia');
  });

  test('revocation: processRevocationResponse accepts it, and the token is then inactive', async () => {
    const { result } = await codeFlow(client, auth);
    const revoked = await oauth.revocationRequest(as, client, auth, result.refresh_token!, http);
    assert.equal(await oauth.processRevocationResponse(revoked), undefined);
    for (const value of [result.refresh_token!, result.access_token]) {
      const response = await oauth.introspectionRequest(as, client, auth, value, http);
      assert.equal((await oauth.processIntrospectionResponse(as, client, response)).active, false);
    }
    const userinfo = await oauth.userInfoRequest(as, client, result.access_token, http);
    await assert.rejects(oauth.processUserInfoResponse(as, client, 'olivia', userinfo));
  });

  test('a callback whose iss is not the issuer is rejected by validateAuthResponse', async () => {
    const started = await authorizationRequest(client);
    const callback = await callbackUrl(started.url);
    callback.searchParams.set('iss', 'https://attacker.example');
    assert.throws(() => oauth.validateAuthResponse(as, client, callback, started.state));
    callback.searchParams.delete('iss');
    assert.throws(
      () => oauth.validateAuthResponse(as, client, callback, started.state),
      'iss is required when the server advertises it',
    );
  });

  test('a callback with the wrong state is rejected by validateAuthResponse', async () => {
    const started = await authorizationRequest(client);
    const callback = await callbackUrl(started.url);
    assert.throws(() => oauth.validateAuthResponse(as, client, callback, oauth.generateRandomState()));
  });

  test('an ID token with another nonce than expected is rejected', async () => {
    const started = await authorizationRequest(client);
    const params = oauth.validateAuthResponse(as, client, await callbackUrl(started.url), started.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      CALLBACK,
      started.verifier,
      http,
    );
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: oauth.generateRandomNonce(),
      }),
    );
  });

  test('a wrong PKCE code_verifier is rejected with invalid_grant', async () => {
    const started = await authorizationRequest(client);
    const params = oauth.validateAuthResponse(as, client, await callbackUrl(started.url), started.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      CALLBACK,
      oauth.generateRandomCodeVerifier(),
      http,
    );
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: started.nonce }),
      (error: unknown) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
    );
  });

  test('an error response (prompt=none without a session) passes the iss check and surfaces login_required', async () => {
    const started = await authorizationRequest(client, { prompt: 'none' });
    const callback = await callbackUrl(started.url, new UserAgent());
    assert.throws(
      () => oauth.validateAuthResponse(as, client, callback, started.state),
      (error: unknown) =>
        error instanceof oauth.AuthorizationResponseError && error.error === 'login_required',
    );
  });

  test('a code redeemed twice is rejected with invalid_grant the second time', async () => {
    const started = await authorizationRequest(client);
    const params = oauth.validateAuthResponse(as, client, await callbackUrl(started.url), started.state);
    const redeem = () =>
      oauth.authorizationCodeGrantRequest(as, client, auth, params, CALLBACK, started.verifier, http);
    await oauth.processAuthorizationCodeResponse(as, client, await redeem(), {
      expectedNonce: started.nonce,
    });
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, client, await redeem(), { expectedNonce: started.nonce }),
      (error: unknown) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
    );
  });
});

describe('oauth4webapi with other clients', () => {
  test('client_secret_post', async () => {
    const { claims } = await codeFlow({ client_id: 'post' }, oauth.ClientSecretPost(WWW_SECRET));
    assert.equal(claims.aud, 'post');
  });

  test('a public client (None) with PKCE, on a loopback redirect with a port', async () => {
    const client: oauth.Client = { client_id: 'spa', token_endpoint_auth_method: 'none' };
    const { result } = await codeFlow(client, oauth.None(), {}, 'http://127.0.0.1:40123/cb');
    const rotated = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), result.refresh_token!, http),
    );
    assert.notEqual(rotated.refresh_token, result.refresh_token, 'rotated for a public client');
  });

  for (const alg of ['PS256', 'ES256', 'EdDSA'] as const) {
    test(`ID tokens signed with ${alg} for a client registered with id_token_signed_response_alg ${alg}`, async () => {
      const client: oauth.Client = { client_id: `alg-${alg}`, id_token_signed_response_alg: alg };
      const { response, claims } = await codeFlow(client, oauth.ClientSecretBasic(WWW_SECRET));
      assert.equal(claims.aud, `alg-${alg}`);
      await oauth.validateApplicationLevelSignature(as, response, http);
    });
  }

  test('signed userinfo: processUserInfoResponse accepts the application/jwt response and its signature validates', async () => {
    const client: oauth.Client = { client_id: 'signed-ui', userinfo_signed_response_alg: 'PS256' };
    const { result } = await codeFlow(client, oauth.ClientSecretBasic(WWW_SECRET));
    const response = await oauth.userInfoRequest(as, client, result.access_token, http);
    const userinfo = await oauth.processUserInfoResponse(as, client, 'olivia', response);
    assert.equal(userinfo.email, 'olivia@example.com');
    await oauth.validateApplicationLevelSignature(as, response, http);
  });

  test('a JWT access token passes validateJwtAccessToken (RFC 9068) at a resource server', async () => {
    const client: oauth.Client = { client_id: 'jwt-at' };
    const { result } = await codeFlow(client, oauth.ClientSecretBasic(WWW_SECRET));
    const request = new Request('https://api.example/resource', {
      headers: { authorization: `Bearer ${result.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, request, 'jwt-at', http);
    assert.equal(claims.client_id, 'jwt-at');
    assert.equal(claims.sub, 'olivia');
    assert.equal(claims.iss, server.issuer);
  });
});
