// FAPI 2.0 through oauth4webapi 3: a signed request object pushed with PAR, private_key_jwt, DPoP-bound tokens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { CALLBACK, callback, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const http = { [oauth.allowInsecureRequests]: true } as const;

let server: TestServer;
let browser: UserAgent;
let as: oauth.AuthorizationServer;
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
const bank: oauth.Client = { client_id: 'bank', id_token_signed_response_alg: 'PS256' };

before(async () => {
  keys = await generateKeyPair('PS256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'bank-ps', alg: 'PS256', use: 'sig' };
  server = await startServer({
    config: {
      scopes: [{ name: 'accounts' }],
      clients: [
        {
          client_id: 'bank',
          profile: 'fapi2',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [jwk] },
          id_token_signed_response_alg: 'PS256',
          request_object_signing_alg: 'PS256',
          redirect_uris: [CALLBACK],
          scopes: ['openid', 'accounts'],
        },
      ],
    },
  });
  browser = await signUp(server, 'fiona');
  const issuer = new URL(server.issuer);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' }),
  );
});
after(() => server.close());

const auth = () => oauth.PrivateKeyJwt({ key: keys.privateKey, kid: 'bank-ps' });

describe('oauth4webapi: FAPI 2.0 with PAR, JAR and DPoP', () => {
  test('discovery advertises PAR, its requirement, request objects and DPoP algorithms', () => {
    assert.ok(as.pushed_authorization_request_endpoint);
    assert.ok(as.request_object_signing_alg_values_supported?.includes('PS256'));
    assert.ok(as.dpop_signing_alg_values_supported?.includes('ES256'));
    assert.equal(as.request_parameter_supported, true);
  });

  test('a signed request object, pushed with a DPoP proof; the code and tokens are bound to the key', async () => {
    const dpopKeys = await oauth.generateKeyPair('ES256');
    const dpop = oauth.DPoP(bank, dpopKeys);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const request = await oauth.issueRequestObject(
      as,
      bank,
      {
        response_type: 'code',
        client_id: 'bank',
        redirect_uri: CALLBACK,
        scope: 'openid accounts',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      { key: keys.privateKey, kid: 'bank-ps' },
    );
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      bank,
      await oauth.pushedAuthorizationRequest(as, bank, auth(), { request }, { ...http, DPoP: dpop }),
    );
    assert.match(pushed.request_uri, /^urn:ietf:params:oauth:request_uri:/);
    assert.ok(pushed.expires_in > 0 && pushed.expires_in <= 600);

    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', 'bank');
    url.searchParams.set('request_uri', pushed.request_uri);
    const params = oauth.validateAuthResponse(as, bank, callback(await browser.request(url.href)), state);

    // Another key cannot redeem the code: it was bound by the PAR request's proof (RFC 9449 §10).
    const thief = oauth.DPoP(bank, await oauth.generateKeyPair('ES256'));
    const stolen = await oauth.authorizationCodeGrantRequest(as, bank, auth(), params, CALLBACK, verifier, {
      ...http,
      DPoP: thief,
    });
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, bank, stolen),
      (error: oauth.ResponseBodyError) => ['invalid_grant', 'invalid_dpop_proof'].includes(error.error),
    );
  });

  test('the bound flow end to end: token_type DPoP, userinfo with the DPoP scheme, refresh keeps the binding', async () => {
    const dpop = oauth.DPoP(bank, await oauth.generateKeyPair('ES256'));
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      bank,
      await oauth.pushedAuthorizationRequest(
        as,
        bank,
        auth(),
        {
          response_type: 'code',
          redirect_uri: CALLBACK,
          scope: 'openid accounts',
          state,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        },
        { ...http, DPoP: dpop },
      ),
    );
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', 'bank');
    url.searchParams.set('request_uri', pushed.request_uri);
    const params = oauth.validateAuthResponse(as, bank, callback(await browser.request(url.href)), state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      bank,
      await oauth.authorizationCodeGrantRequest(as, bank, auth(), params, CALLBACK, verifier, {
        ...http,
        DPoP: dpop,
      }),
    );
    assert.equal(tokens.token_type, 'dpop');
    const userinfo = await oauth.processUserInfoResponse(
      as,
      bank,
      oauth.skipSubjectCheck,
      await oauth.userInfoRequest(as, bank, tokens.access_token, { ...http, DPoP: dpop }),
    );
    assert.ok(userinfo.sub);
    // The bound token as a Bearer token is refused (RFC 9449 §7.1).
    const asBearer = await fetch(as.userinfo_endpoint!, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(asBearer.status, 401);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      bank,
      await oauth.refreshTokenGrantRequest(as, bank, auth(), tokens.refresh_token!, { ...http, DPoP: dpop }),
    );
    assert.equal(refreshed.token_type, 'dpop');
  });

  test('an unsigned request object is refused', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ client_id: 'bank', response_type: 'code', redirect_uri: CALLBACK }),
    ).toString('base64url')}.`;
    const response = await oauth.pushedAuthorizationRequest(as, bank, auth(), { request: unsigned }, http);
    await assert.rejects(
      oauth.processPushedAuthorizationResponse(as, bank, response),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_request_object',
    );
  });
});
