// Client authentication at the token endpoint (RFC 6749 §2.3.1, §5.2): Basic, body, both, none, and failures.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wireError } from '../../../../src/http/errors.ts';
import { authenticateClient } from '../../../../src/protocol/client-auth/index.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import {
  basic,
  exchange,
  harness,
  issueCode,
  ODD_ID,
  ODD_SECRET,
  ok,
  token,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';

/** What a request carries for client authentication: the header and the body's client_id and client_secret. */
interface ClientAuthRequest {
  authorization: string | undefined;
  client_id: string | undefined;
  client_secret: string | undefined;
}
const { deps } = harness();
const authenticate = ({ authorization, ...params }: Partial<ClientAuthRequest>) =>
  authenticateClient({ authorization, params }, deps);
const rawBasic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('client authentication: accepted', () => {
  const cases: { rule: string; request: Partial<ClientAuthRequest>; clientId: string }[] = [
    { rule: 'HTTP Basic', request: { authorization: basic('web', WEB_SECRET) }, clientId: 'web' },
    {
      rule: 'HTTP Basic with a lowercase scheme name',
      request: { authorization: basic('web', WEB_SECRET).replace('Basic', 'basic') },
      clientId: 'web',
    },
    {
      rule: 'HTTP Basic with form-encoded special characters in id and secret (space as +)',
      request: { authorization: basic(ODD_ID, ODD_SECRET) },
      clientId: ODD_ID,
    },
    {
      rule: 'HTTP Basic with form-encoded special characters, space as %20',
      request: { authorization: rawBasic(`${encodeURIComponent(ODD_ID)}:${encodeURIComponent(ODD_SECRET)}`) },
      clientId: ODD_ID,
    },
    { rule: 'client_secret_post', request: { client_id: 'web', client_secret: WEB_SECRET }, clientId: 'web' },
    {
      rule: 'client_secret_post with special characters, sent as they are',
      request: { client_id: ODD_ID, client_secret: ODD_SECRET },
      clientId: ODD_ID,
    },
    {
      rule: 'Basic and body credentials that match',
      request: { authorization: basic('web', WEB_SECRET), client_id: 'web', client_secret: WEB_SECRET },
      clientId: 'web',
    },
    {
      rule: 'Basic with a matching client_id in the body',
      request: { authorization: basic('web', WEB_SECRET), client_id: 'web' },
      clientId: 'web',
    },
  ];
  for (const { rule, request: r, clientId } of cases) {
    test(`authenticated: ${rule}`, async () => {
      const result = await authenticate(r);
      assert.ok(!(result instanceof OAuthError), result instanceof OAuthError ? result.description : '');
      assert.equal(result.client_id, clientId);
    });
  }
});

describe('client authentication: refused with invalid_client', () => {
  const cases: { rule: string; request: Partial<ClientAuthRequest>; challenge: boolean; says?: RegExp }[] = [
    {
      rule: 'no credentials at all',
      request: {},
      challenge: false,
      says: /client authentication is required/,
    },
    {
      rule: 'a client_id in the body without a secret',
      request: { client_id: 'web' },
      challenge: false,
      says: /send client_secret or use HTTP Basic/,
    },
    { rule: 'a wrong secret by Basic', request: { authorization: basic('web', 'wrong') }, challenge: true },
    {
      rule: 'a wrong secret in the body',
      request: { client_id: 'web', client_secret: 'wrong' },
      challenge: false,
    },
    {
      rule: 'an unknown client by Basic',
      request: { authorization: basic('nobody', WEB_SECRET) },
      challenge: true,
    },
    {
      rule: 'an unknown client in the body',
      request: { client_id: 'nobody', client_secret: WEB_SECRET },
      challenge: false,
    },
    {
      rule: 'a secret in the body without a client_id',
      request: { client_secret: WEB_SECRET },
      challenge: false,
    },
    {
      rule: 'the secret of another client',
      request: { authorization: basic('other', WEB_SECRET) },
      challenge: true,
    },
    {
      rule: 'Basic and body naming different clients',
      request: { authorization: basic('web', WEB_SECRET), client_id: 'other', client_secret: WEB_SECRET },
      challenge: true,
      says: /do not match/,
    },
    {
      rule: 'Basic and body with different secrets, one of them right',
      request: { authorization: basic('web', WEB_SECRET), client_id: 'web', client_secret: 'wrong' },
      challenge: true,
      says: /do not match/,
    },
    {
      rule: 'Basic with a different client_id in the body',
      request: { authorization: basic('web', WEB_SECRET), client_id: 'other' },
      challenge: true,
      says: /client_id in the body does not match/,
    },
    {
      rule: 'Basic credentials that were not form-encoded: a colon in the id splits it wrongly',
      request: { authorization: rawBasic(`${ODD_ID}:${ODD_SECRET}`) },
      challenge: true,
    },
    {
      rule: 'Basic with a literal "+" in the secret, which form-decodes to a space',
      request: { authorization: rawBasic(`web:${WEB_SECRET.replace('-', '+')}`) },
      challenge: true,
    },
    {
      rule: 'Basic credentials without a colon',
      request: { authorization: rawBasic('web') },
      challenge: true,
      says: /client_id:client_secret/,
    },
    {
      rule: 'Basic credentials with a broken percent-encoding',
      request: { authorization: rawBasic('web:%zz') },
      challenge: true,
      says: /form-encoded/,
    },
    {
      rule: 'a Basic header that is not base64',
      request: { authorization: 'Basic ***' },
      challenge: true,
      says: /malformed/,
    },
  ];
  for (const { rule, request: r, challenge, says } of cases) {
    test(`refused: ${rule} (Basic challenge ${challenge ? 'sent' : 'not sent'})`, async () => {
      const result = await authenticate(r);
      assert.ok(
        result instanceof OAuthError,
        `expected invalid_client, got client ${JSON.stringify(result)}`,
      );
      assert.equal(result.code, 'invalid_client');
      const wire = wireError(result);
      assert.equal(wire.status, 401);
      assert.equal(result.hint === 'challenge-basic', challenge);
      assert.equal(/^Basic /.test(wire.headers['www-authenticate'] ?? ''), challenge);
      if (says) assert.match(result.description, says);
    });
  }

  test('an unknown client and a wrong secret get the same description, so clients cannot be enumerated', async () => {
    const unknown = await authenticate({ authorization: basic('nobody', WEB_SECRET) });
    const wrong = await authenticate({ authorization: basic('web', 'wrong') });
    assert.ok(unknown instanceof OAuthError && wrong instanceof OAuthError);
    assert.equal(unknown.description, wrong.description);
  });
});

describe('client authentication at the token endpoint', () => {
  test('a client with special characters in id and secret can redeem its code with Basic', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: ODD_ID, redirect_uri: WEB_CB, scope: 'openid' });
    ok(await exchange(h, code, { redirect_uri: WEB_CB }, basic(ODD_ID, ODD_SECRET)));
  });

  test('a client can redeem its code with client_secret_post', async () => {
    const h = harness();
    const code = await issueCode(h, { client_id: 'web', redirect_uri: WEB_CB, scope: 'openid' });
    const body = { grant_type: 'authorization_code', code, redirect_uri: WEB_CB };
    ok(await token(h, { ...body, client_id: 'web', client_secret: WEB_SECRET }));
  });
});
