// grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693): impersonation, delegation, refusals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { endpointsFor } from '../../../../src/config/endpoints.ts';
import { discoveryDocument } from '../../../../src/protocol/endpoints/discovery.ts';
import { introspectEndpoint } from '../../../../src/protocol/endpoints/introspect.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { hashToken } from '../../../../src/protocol/tokens/opaque.ts';
import {
  basic,
  exchange,
  form,
  type Harness,
  harness,
  issueCode,
  liveConfig,
  NOW,
  ok,
  testSnapshot,
  token,
  WEB_SECRET,
} from '../../helpers.ts';

const TE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

import {
  AT,
  aliceTokens,
  exchangeHarness,
  exchangeToken,
  IDT,
  JWT,
  ORDERS,
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

describe('token exchange: discovery', () => {
  test('while no client has a policy the grant type is unsupported_grant_type', async () => {
    const h = harness(testSnapshot());
    const result = await token(
      h,
      { grant_type: TE_GRANT, subject_token: 'x', subject_token_type: AT },
      basic('web', WEB_SECRET),
    );
    assert.ok(result instanceof OAuthError);
    assert.equal(result.code, 'unsupported_grant_type');
  });

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
