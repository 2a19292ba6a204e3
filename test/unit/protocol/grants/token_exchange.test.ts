// grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693): impersonation, delegation, refusals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { endpointsFor } from '../../../../src/config/endpoints.ts';
import { discoveryDocument } from '../../../../src/protocol/endpoints/discovery.ts';
import { introspectEndpoint } from '../../../../src/protocol/endpoints/introspect.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { hashToken } from '../../../../src/protocol/tokens/opaque.ts';
import type { TokenResponse } from '../../../../src/protocol/tokens/response.ts';
import { exchange, form, type Harness, issueCode, liveConfig, NOW, ok, testSnapshot } from '../../helpers.ts';
import {
  AT,
  aliceTokens,
  BILLING,
  exchangeHarness,
  exchangeToken,
  foreignIdToken,
  IDT,
  JWT,
  ORDERS,
  OTHER,
  PARTNER,
  partnerJwt,
  REPORTS,
  RT,
  SOLO,
  WEB,
  webActorToken,
} from './token-exchange-fixtures.ts';

async function introspect(h: Harness, value: string) {
  const result = await introspectEndpoint(form({ token: value }, WEB), h.deps);
  assert.ok(!(result instanceof OAuthError));
  return result;
}

function refused(result: TokenResponse | OAuthError, code: string, text?: RegExp): OAuthError {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code, result.description);
  if (text) assert.match(result.description, text);
  return result;
}

describe('token exchange: impersonation', () => {
  test('a user access token becomes an access token for the API: issued_token_type, audience, narrowed scope, no act', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const result = ok(
      await exchangeToken(h, { subject_token: alice.access_token, subject_token_type: AT, resource: ORDERS }),
    );
    assert.equal(result.issued_token_type, AT);
    assert.equal(result.token_type, 'bearer');
    assert.equal(result.scope, 'orders:read');
    assert.equal(result.refresh_token, undefined);
    const info = await introspect(h, result.access_token);
    assert.equal(info['active'], true);
    assert.equal(info['aud'], ORDERS);
    assert.equal(info['sub'], 'alice');
    assert.equal(info['scope'], 'orders:read');
    assert.equal(info['act'], undefined);
  });

  test('audience names the API as resource does, and a policy with one API needs neither', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const byAudience = ok(
      await exchangeToken(h, { subject_token: alice.access_token, subject_token_type: AT, audience: ORDERS }),
    );
    assert.equal((await introspect(h, byAudience.access_token))['aud'], ORDERS);
    const code = await issueCode(h, {
      client_id: 'solo',
      redirect_uri: 'https://solo.example/cb',
      scope: 'openid orders:read',
    });
    const solo = ok(await exchange(h, code, { redirect_uri: 'https://solo.example/cb' }, SOLO));
    const implied = ok(
      await exchangeToken(h, { subject_token: solo.access_token, subject_token_type: AT }, SOLO),
    );
    assert.equal((await introspect(h, implied.access_token))['aud'], ORDERS);
  });

  test('the exchanged token lives no longer than the subject token', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    h.clock.advance(alice.expires_in - 30);
    const result = ok(
      await exchangeToken(h, { subject_token: alice.access_token, subject_token_type: AT, resource: ORDERS }),
    );
    assert.equal(result.expires_in, 30);
  });

  test('revoking the grant behind the subject token revokes the exchanged token too', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const result = ok(
      await exchangeToken(h, { subject_token: alice.access_token, subject_token_type: AT, resource: ORDERS }),
    );
    const subject = await h.store.grants.findToken(hashToken(alice.access_token));
    await h.store.grants.revokeGrant(subject!.grantId, NOW + 1);
    assert.equal((await introspect(h, result.access_token))['active'], false);
  });

  test('a refresh token and an ID token of the client are accepted as subject tokens', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const fromRefresh = ok(
      await exchangeToken(h, {
        subject_token: alice.refresh_token!,
        subject_token_type: RT,
        resource: ORDERS,
      }),
    );
    assert.equal((await introspect(h, fromRefresh.access_token))['sub'], 'alice');
    const fromId = ok(
      await exchangeToken(h, { subject_token: alice.id_token!, subject_token_type: IDT, resource: ORDERS }),
    );
    assert.equal((await introspect(h, fromId.access_token))['sub'], 'alice');
  });

  test('a JWT from a trusted issuer: the exchanged token names its subject; a JWT-format API gets act-free claims', async () => {
    const h = exchangeHarness();
    const result = ok(
      await exchangeToken(h, {
        subject_token: await partnerJwt(),
        subject_token_type: JWT,
        resource: ORDERS,
      }),
    );
    const info = await introspect(h, result.access_token);
    assert.equal(info['active'], true);
    assert.equal(info['sub'], 'partner-user-7');
    assert.equal(info['scope'], 'orders:read');
  });

  test('token.exchanged is recorded with the mode, types and audience, and no token value', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    ok(
      await exchangeToken(h, { subject_token: alice.access_token, subject_token_type: AT, resource: ORDERS }),
    );
    assert.equal(h.events.length, 1);
    const event = h.events[0]!;
    assert.equal(event.type, 'token.exchanged');
    assert.equal(event.clientId, 'web');
    assert.equal(event.accountId, 'alice');
    assert.deepEqual(event.detail, {
      subject_token_type: 'access_token',
      mode: 'impersonation',
      audience: ORDERS,
      scope: 'orders:read',
    });
    assert.ok(!JSON.stringify(event).includes(alice.access_token));
  });
});

describe('token exchange: delegation', () => {
  test('an actor token yields act naming the actor, shown by introspection (§4.1)', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const result = ok(
      await exchangeToken(h, {
        subject_token: alice.access_token,
        subject_token_type: AT,
        actor_token: await webActorToken(h),
        actor_token_type: AT,
        resource: ORDERS,
      }),
    );
    const info = await introspect(h, result.access_token);
    assert.equal(info['sub'], 'alice');
    assert.deepEqual(info['act'], { sub: 'web' });
  });

  test('exchanging a delegated token again nests the earlier actor under the new one (§4.1)', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const first = ok(
      await exchangeToken(h, {
        subject_token: alice.access_token,
        subject_token_type: AT,
        actor_token: await webActorToken(h),
        actor_token_type: AT,
        resource: ORDERS,
      }),
    );
    const second = ok(
      await exchangeToken(h, {
        subject_token: first.access_token,
        subject_token_type: AT,
        actor_token: await partnerJwt({ sub: 'agent-9' }),
        actor_token_type: JWT,
        resource: ORDERS,
      }),
    );
    assert.deepEqual((await introspect(h, second.access_token))['act'], {
      sub: 'agent-9',
      iss: PARTNER,
      act: { sub: 'web' },
    });
  });

  test('a JWT-format API token carries act, aud and the subject', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h, 'openid reports');
    const result = ok(
      await exchangeToken(h, {
        subject_token: alice.access_token,
        subject_token_type: AT,
        actor_token: await webActorToken(h),
        actor_token_type: AT,
        resource: REPORTS,
      }),
    );
    const claims = decodeJwt(result.access_token);
    assert.equal(claims.aud, REPORTS);
    assert.equal(claims.sub, 'alice');
    assert.deepEqual(claims['act'], { sub: 'web' });
    assert.equal(claims['scope'], 'reports');
  });

  test('may_act naming the actor lets it act (§4.4)', async () => {
    const h = exchangeHarness();
    const result = await exchangeToken(h, {
      subject_token: await partnerJwt({ may_act: { sub: 'web' } }),
      subject_token_type: JWT,
      actor_token: await webActorToken(h),
      actor_token_type: AT,
      resource: ORDERS,
    });
    ok(result);
  });
});

describe('token exchange: refusals', () => {
  type Body = Record<string, string | string[]>;
  const cases: {
    name: string;
    body: (h: Harness) => Promise<Body>;
    code: string;
    text?: RegExp;
    auth?: string;
    before?: (h: Harness) => void;
  }[] = [
    {
      name: 'a scope wider than the subject token carries is invalid_scope',
      body: async (h) => ({
        subject_token: (await aliceTokens(h)).access_token,
        subject_token_type: AT,
        resource: ORDERS,
        scope: 'orders:write',
      }),
      code: 'invalid_scope',
      text: /wider than the subject token/,
    },
    {
      name: 'an API the policy does not name is invalid_target (§2.2.2)',
      body: async (h) => ({
        subject_token: (await aliceTokens(h)).access_token,
        subject_token_type: AT,
        resource: BILLING,
      }),
      code: 'invalid_target',
    },
    {
      name: 'an audience that is no API at all is invalid_target',
      body: async (h) => ({
        subject_token: (await aliceTokens(h)).access_token,
        subject_token_type: AT,
        audience: 'https://nowhere.example/',
      }),
      code: 'invalid_target',
    },
    {
      name: 'no target when the policy allows several is invalid_request',
      body: async (h) => ({ subject_token: (await aliceTokens(h)).access_token, subject_token_type: AT }),
      code: 'invalid_request',
      text: /resource or audience/,
    },
    {
      name: 'may_act naming someone else refuses the actor (§4.4)',
      body: async (h) => ({
        subject_token: await partnerJwt({ may_act: { sub: 'someone-else' } }),
        subject_token_type: JWT,
        actor_token: await webActorToken(h),
        actor_token_type: AT,
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /may_act/,
    },
    {
      name: 'an actor token from a client whose policy allows no delegation is unauthorized_client',
      body: async (h) => ({
        subject_token: (await aliceTokens(h)).access_token,
        subject_token_type: AT,
        actor_token: await webActorToken(h),
        actor_token_type: AT,
      }),
      auth: SOLO,
      code: 'unauthorized_client',
      text: /delegation/,
    },
    {
      name: 'an expired subject token is invalid_request (§2.2.2)',
      body: async (h) => {
        const alice = await aliceTokens(h);
        h.clock.advance(alice.expires_in + 1);
        return { subject_token: alice.access_token, subject_token_type: AT, resource: ORDERS };
      },
      code: 'invalid_request',
      text: /not an active access token/,
    },
    {
      name: 'a revoked subject token is invalid_request',
      body: async (h) => {
        const alice = await aliceTokens(h);
        await h.store.grants.revokeToken(hashToken(alice.access_token), NOW);
        return { subject_token: alice.access_token, subject_token_type: AT, resource: ORDERS };
      },
      code: 'invalid_request',
    },
    {
      name: 'an ID token of another issuer is invalid_request',
      body: async () => ({
        subject_token: await foreignIdToken(),
        subject_token_type: IDT,
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /not an ID token this server issued/,
    },
    {
      name: 'a trusted issuer JWT with a bad signature is invalid_request',
      body: async () => ({
        subject_token: await partnerJwt({}, true),
        subject_token_type: JWT,
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /cannot be verified|invalid signature/,
    },
    {
      name: 'a JWT from an issuer nobody trusts is invalid_request',
      body: async () => ({
        subject_token: await foreignIdToken(),
        subject_token_type: JWT,
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /not from a trusted issuer/,
    },
    {
      name: 'a trusted issuer JWT for another audience is invalid_request',
      body: async () => ({
        subject_token: await partnerJwt({ aud: 'https://else.example' }),
        subject_token_type: JWT,
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /another audience/,
    },
    {
      name: 'a subject token type the policy does not list is invalid_request',
      body: async (h) => ({ subject_token: (await aliceTokens(h)).id_token!, subject_token_type: IDT }),
      auth: SOLO,
      code: 'invalid_request',
      text: /may not present a id_token/,
    },
    {
      name: 'a SAML assertion type is invalid_request: not a type this server accepts',
      body: async () => ({
        subject_token: 'PHNhbWw+',
        subject_token_type: 'urn:ietf:params:oauth:token-type:saml2',
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /not a token type this server accepts/,
    },
    {
      name: 'requested_token_type refresh_token is invalid_request: only access tokens are exchanged',
      body: async (h) => ({
        subject_token: (await aliceTokens(h)).access_token,
        subject_token_type: AT,
        requested_token_type: RT,
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /access tokens only/,
    },
    {
      name: 'no subject_token is invalid_request',
      body: async () => ({ subject_token_type: AT, resource: ORDERS }),
      code: 'invalid_request',
      text: /subject_token is required/,
    },
    {
      name: 'actor_token without actor_token_type is invalid_request (§2.1)',
      body: async (h) => ({
        subject_token: (await aliceTokens(h)).access_token,
        subject_token_type: AT,
        actor_token: await webActorToken(h),
        resource: ORDERS,
      }),
      code: 'invalid_request',
      text: /actor_token_type is required/,
    },
    {
      name: "another client's refresh token is invalid_request",
      body: async (h) => ({ subject_token: (await aliceTokens(h)).refresh_token!, subject_token_type: RT }),
      auth: SOLO,
      code: 'invalid_request',
    },
    {
      name: 'a client without the capability is unauthorized_client',
      body: async (h) => ({ subject_token: (await aliceTokens(h)).access_token, subject_token_type: AT }),
      auth: OTHER,
      code: 'unauthorized_client',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const h = exchangeHarness();
      const body = await c.body(h);
      refused(await exchangeToken(h, body, c.auth), c.code, c.text);
      assert.equal(h.events.length, 0, 'nothing is recorded for a refused exchange');
    });
  }

  test('nothing is stored for a refused exchange', async () => {
    const h = exchangeHarness();
    const alice = await aliceTokens(h);
    const before = (await h.store.grants.findToken(hashToken(alice.access_token)))!;
    refused(
      await exchangeToken(h, {
        subject_token: alice.access_token,
        subject_token_type: AT,
        resource: BILLING,
      }),
      'invalid_target',
    );
    assert.deepEqual(await h.store.grants.findToken(hashToken(alice.access_token)), before);
  });
});

describe('token exchange: discovery', () => {
  const endpoints = endpointsFor('https://issuer.example');
  test('grant_types_supported lists token exchange only while some client has it', () => {
    const TE_URN = 'urn:ietf:params:oauth:grant-type:token-exchange';
    const off = discoveryDocument(endpoints, liveConfig(testSnapshot()));
    assert.ok(!(off['grant_types_supported'] as string[]).includes(TE_URN));
    const h = exchangeHarness();
    const on = discoveryDocument(endpoints, h.deps.config());
    assert.ok((on['grant_types_supported'] as string[]).includes(TE_URN));
  });
});
