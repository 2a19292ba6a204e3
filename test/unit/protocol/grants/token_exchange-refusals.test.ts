// Token exchange refusals (RFC 8693 §2.2.2): each rule that turns a request away, and what it leaves behind.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { hashToken } from '../../../../src/protocol/tokens/opaque.ts';
import type { TokenResponse } from '../../../../src/protocol/tokens/response.ts';
import { type Harness, NOW } from '../../helpers.ts';
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
  partnerJwt,
  RT,
  SOLO,
  webActorToken,
} from './token-exchange-fixtures.ts';

function refused(result: TokenResponse | OAuthError, code: string, text?: RegExp): OAuthError {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code, result.description);
  if (text) assert.match(result.description, text);
  return result;
}

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
      name: 'a DPoP-bound subject token traded in without a proof of its key is invalid_request (RFC 9449)',
      body: async (h) => {
        const alice = await aliceTokens(h);
        const bound = 'bound-access-token-of-alice-0000000000000000';
        const subject = (await h.store.grants.findToken(hashToken(alice.access_token)))!;
        const { revoked: _r, rotatedAt: _ro, ...record } = subject;
        await h.store.grants.issue(subject.grantId, null, NOW, [
          { ...record, hash: hashToken(bound), jkt: 'a-key-thumbprint' },
        ]);
        return { subject_token: bound, subject_token_type: AT, resource: ORDERS };
      },
      code: 'invalid_request',
      text: /bound to a DPoP key/,
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
