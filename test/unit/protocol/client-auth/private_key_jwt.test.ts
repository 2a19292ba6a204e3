// private_key_jwt (RFC 7523 §2.2, §3; OIDC Core §9; FAPI 2.0 SP §5.3.2.1): real keys, real assertions, every refusal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authenticateClient,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from '../../../../src/protocol/client-auth/index.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { basic, harness, ISSUER, issueCode, NOW, ok, token, WEB_CB } from '../../helpers.ts';
import {
  asParams,
  assertion,
  es256,
  jwtSnapshot,
  PAR_URL,
  ps256,
  rs256,
  secretKey,
  stranger,
  TOKEN_URL,
} from './jwt-clients.ts';

const h = harness(await jwtSnapshot());
const authenticate = (params: Record<string, string>, authorization?: string) =>
  authenticateClient({ authorization, params }, h.deps);

async function accepted(params: Record<string, string>, clientId: string) {
  const result = await authenticate(params);
  assert.ok(!(result instanceof OAuthError), result instanceof OAuthError ? result.description : '');
  assert.equal(result.client_id, clientId);
}

async function refused(
  params: Record<string, string>,
  says: RegExp,
  code = 'invalid_client',
  authorization?: string,
) {
  const result = await authenticate(params, authorization);
  assert.ok(result instanceof OAuthError, `expected ${code}, got client ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
  assert.match(result.description, says);
  assert.doesNotMatch(result.description, /\?/, 'written in the RFC 6749 §5.2 charset, nothing replaced');
}

test('discovery lists both JWT methods among token_endpoint_auth_methods_supported', () => {
  assert.ok(TOKEN_ENDPOINT_AUTH_METHODS.includes('private_key_jwt'));
  assert.ok(TOKEN_ENDPOINT_AUTH_METHODS.includes('client_secret_jwt'));
});

describe('private_key_jwt: accepted', () => {
  test('ES256 with kid, aud the token endpoint', async () => {
    await accepted(asParams(await assertion('pk', es256.privateKey, { kid: 'es' })), 'pk');
  });
  test('RS256 without kid (one key fits the alg), aud the issuer', async () => {
    const jwt = await assertion('pk', rs256.privateKey, { alg: 'RS256', claims: { aud: ISSUER } });
    await accepted(asParams(jwt), 'pk');
  });
  test('aud an array naming the PAR endpoint (RFC 9126 §2 authenticates as the token endpoint does)', async () => {
    const jwt = await assertion('pk', es256.privateKey, {
      kid: 'es',
      claims: { aud: ['https://other.example', PAR_URL] },
    });
    await accepted(asParams(jwt), 'pk');
  });
  test('aud the introspection endpoint, where clients authenticate too', async () => {
    const aud = 'https://issuer.example/oauth/v2/oauth-introspect';
    await accepted(asParams(await assertion('pk', es256.privateKey, { kid: 'es', claims: { aud } })), 'pk');
  });
  test('with a matching client_id in the body', async () => {
    await accepted(
      asParams(await assertion('pk', es256.privateKey, { kid: 'es' }), { client_id: 'pk' }),
      'pk',
    );
  });
  test('iat and nbf up to 10 seconds ahead (FAPI 2.0 SP §5.3.2.1 clock skew)', async () => {
    const jwt = await assertion('pk', es256.privateKey, {
      kid: 'es',
      claims: { iat: NOW + 10, nbf: NOW + 10 },
    });
    await accepted(asParams(jwt), 'pk');
  });
  test('an assertion just expired within the 10 seconds of tolerance', async () => {
    const jwt = await assertion('pk', es256.privateKey, {
      kid: 'es',
      claims: { iat: NOW - 65, exp: NOW - 5 },
    });
    await accepted(asParams(jwt), 'pk');
  });
  test('a FAPI 2.0 client: ES256, aud the issuer as a string', async () => {
    await accepted(
      asParams(await assertion('fapi', es256.privateKey, { kid: 'es', claims: { aud: ISSUER } })),
      'fapi',
    );
  });
  test('the pinned alg (token_endpoint_auth_signing_alg)', async () => {
    await accepted(asParams(await assertion('pinned', es256.privateKey, { kid: 'es' })), 'pinned');
  });
});

describe('private_key_jwt: refused', () => {
  const es = (clientId: string, claims: Record<string, unknown> = {}) =>
    assertion(clientId, es256.privateKey, { kid: 'es', claims });
  const cases: {
    rule: string;
    params: () => Promise<Record<string, string>>;
    says: RegExp;
    code?: string;
  }[] = [
    {
      rule: 'aud names another server',
      params: async () => asParams(await es('pk', { aud: 'https://other.example/token' })),
      says: /aud must name the issuer/,
    },
    {
      rule: 'no aud',
      params: async () => asParams(await es('pk', { aud: undefined })),
      says: /must carry aud/,
    },
    {
      rule: 'expired beyond the tolerance',
      params: async () => asParams(await es('pk', { iat: NOW - 100, exp: NOW - 11 })),
      says: /has expired/,
    },
    {
      rule: 'no exp',
      params: async () => asParams(await es('pk', { exp: undefined })),
      says: /must carry exp/,
    },
    {
      rule: 'exp a string',
      params: async () => asParams(await es('pk', { exp: `${NOW + 60}` })),
      says: /exp must be a number/,
    },
    {
      rule: 'exp an hour ahead',
      params: async () => asParams(await es('pk', { iat: undefined, exp: NOW + 3600 })),
      says: /lives too long/,
    },
    {
      rule: 'a lifetime (exp - iat) over 300 seconds',
      params: async () => asParams(await es('pk', { iat: NOW - 1000, exp: NOW + 60 })),
      says: /lives too long/,
    },
    {
      rule: 'iat more than 10 seconds ahead',
      params: async () => asParams(await es('pk', { iat: NOW + 30 })),
      says: /iat is in the future/,
    },
    {
      rule: 'nbf more than 10 seconds ahead',
      params: async () => asParams(await es('pk', { nbf: NOW + 30 })),
      says: /not valid yet/,
    },
    {
      rule: 'no jti',
      params: async () => asParams(await es('pk', { jti: undefined })),
      says: /must carry jti/,
    },
    {
      rule: 'a jti that is not a string',
      params: async () => asParams(await es('pk', { jti: 42 })),
      says: /jti must be a non-empty string/,
    },
    {
      rule: 'iss other than sub',
      params: async () => asParams(await es('pk', { iss: 'web' })),
      says: /iss and sub must both be the client_id/,
    },
    {
      rule: 'no sub',
      params: async () => asParams(await es('pk', { sub: undefined })),
      says: /iss and sub must both be the client_id/,
    },
    {
      rule: 'signed with another key under a registered kid',
      params: async () => asParams(await assertion('pk', stranger.privateKey, { kid: 'es' })),
      says: /signature does not verify/,
    },
    {
      rule: 'an unknown kid',
      params: async () => asParams(await assertion('pk', es256.privateKey, { kid: 'rotated' })),
      says: /no key of the client matches/,
    },
    {
      rule: 'an alg the client has no key for (PS256)',
      params: async () => asParams(await assertion('pk', ps256.privateKey, { alg: 'PS256', kid: 'es' })),
      says: /no key of the client matches/,
    },
    {
      rule: 'RS256 for a FAPI 2.0 client',
      params: async () =>
        asParams(await assertion('fapi', rs256.privateKey, { alg: 'RS256', claims: { aud: ISSUER } })),
      says: /PS256, ES256, EdDSA, not RS256/,
    },
    {
      rule: 'a FAPI 2.0 client with aud the token endpoint',
      params: async () => asParams(await es('fapi', { aud: TOKEN_URL })),
      says: /aud must be the issuer .*FAPI 2\.0/,
    },
    {
      rule: 'a FAPI 2.0 client with aud an array holding the issuer',
      params: async () => asParams(await es('fapi', { aud: [ISSUER] })),
      says: /as a string/,
    },
    {
      rule: 'an alg other than the pinned one',
      params: async () => asParams(await assertion('pinned', rs256.privateKey, { alg: 'RS256' })),
      says: /signs its client_assertion with ES256, not RS256/,
    },
    {
      rule: 'HS256 for a private_key_jwt client',
      params: async () => asParams(await assertion('pk', secretKey('x'.repeat(32)))),
      says: /not registered for client_secret_jwt \(it uses private_key_jwt\)/,
    },
    {
      rule: 'an assertion for a client registered with a secret',
      params: async () => asParams(await assertion('web', es256.privateKey)),
      says: /not registered for private_key_jwt \(it uses client_secret_basic\)/,
    },
    {
      rule: 'an assertion from a public client',
      params: async () => asParams(await assertion('spa', es256.privateKey)),
      says: /public client must not authenticate with private_key_jwt/,
    },
    {
      rule: 'a client_id in the body naming another client',
      params: async () => asParams(await es('pk'), { client_id: 'web' }),
      says: /client_id in the body does not match/,
    },
    {
      rule: 'an unknown client',
      params: async () => asParams(await es('nobody')),
      says: /signature does not verify/,
    },
    {
      rule: 'client_assertion_type of another kind',
      params: async () => ({
        ...asParams(await es('pk')),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
      }),
      says: /must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer/,
      code: 'invalid_request',
    },
    {
      rule: 'client_assertion without client_assertion_type',
      params: async () => ({ client_assertion: await es('pk') }),
      says: /needs client_assertion_type/,
      code: 'invalid_request',
    },
    {
      rule: 'client_assertion_type without client_assertion',
      params: async () => ({ client_assertion_type: asParams('').client_assertion_type }),
      says: /needs a client_assertion/,
      code: 'invalid_request',
    },
  ];
  for (const { rule, params, says, code } of cases) {
    test(`refused: ${rule}`, async () => refused(await params(), says, code));
  }

  test('alg none is refused, whatever the claims', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none' })}.${part({ iss: 'pk', sub: 'pk', aud: TOKEN_URL, exp: NOW + 60, jti: 'n' })}.`;
    await refused(asParams(unsigned), /alg none is never accepted/);
  });

  test('a reused jti is refused: the assertion is single use (RFC 7523 §3)', async () => {
    const jwt = await assertion('pk', es256.privateKey, { kid: 'es' });
    await accepted(asParams(jwt), 'pk');
    await refused(asParams(jwt), /already used/);
  });

  test('the same jti is refused in a second assertion, even with a new signature', async () => {
    await accepted(
      asParams(await assertion('pk', es256.privateKey, { kid: 'es', claims: { jti: 'twice' } })),
      'pk',
    );
    const again = await assertion('pk', rs256.privateKey, { alg: 'RS256', claims: { jti: 'twice' } });
    await refused(asParams(again), /already used/);
  });

  test('a forged assertion does not use up the jti it names', async () => {
    const forged = await assertion('pk', stranger.privateKey, { kid: 'es', claims: { jti: 'victim' } });
    await refused(asParams(forged), /signature does not verify/);
    await accepted(
      asParams(await assertion('pk', es256.privateKey, { kid: 'es', claims: { jti: 'victim' } })),
      'pk',
    );
  });

  test('an unknown client and a forged assertion read the same, so clients cannot be enumerated', async () => {
    const unknown = await authenticate(asParams(await assertion('nobody', es256.privateKey, { kid: 'es' })));
    const forged = await authenticate(asParams(await assertion('pk', stranger.privateKey, { kid: 'es' })));
    assert.ok(unknown instanceof OAuthError && forged instanceof OAuthError);
    assert.equal(unknown.description, forged.description);
  });

  test('an assertion together with a client secret is refused: one method per request (RFC 6749 §2.3)', async () => {
    const params = asParams(await assertion('pk', es256.privateKey, { kid: 'es' }));
    await refused(params, /use one client authentication method/, 'invalid_client', basic('pk', 'secret'));
  });
});

const cut = (await assertion('pk', es256.privateKey, { kid: 'es' })).replace(/\.[^.]+$/, '.');

describe('private_key_jwt: garbage is invalid_client, never a server error', () => {
  const garbage: [string, string][] = [
    ['not a JWT', 'hello'],
    ['three empty parts', '..'],
    ['a header that is not JSON', `${Buffer.from('{').toString('base64url')}.e30.c2ln`],
    [
      'a payload that is an array',
      `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('[1]').toString('base64url')}.c2ln`,
    ],
    ['five parts (a JWE)', 'a.b.c.d.e'],
    [
      'an unknown alg',
      `${Buffer.from('{"alg":"ES512"}').toString('base64url')}.${Buffer.from('{"sub":"pk","iss":"pk"}').toString('base64url')}.c2ln`,
    ],
    ['an alg that is not a string', `${Buffer.from('{"alg":7}').toString('base64url')}.e30.c2ln`],
    ['a huge input', 'a'.repeat(1_000_000)],
    ['a valid assertion with the signature cut', cut],
  ];
  for (const [rule, jwt] of garbage) {
    test(`refused: ${rule}`, async () => refused(asParams(jwt), /client_assertion/));
  }
});

describe('private_key_jwt at the token endpoint', () => {
  test('a failed assertion leaves the code redeemable: client authentication comes before the grant', async () => {
    const code = await issueCode(h, { client_id: 'pk', redirect_uri: WEB_CB, scope: 'openid' });
    const body = { grant_type: 'authorization_code', code, redirect_uri: WEB_CB };
    const expired = await assertion('pk', es256.privateKey, {
      kid: 'es',
      claims: { iat: NOW - 200, exp: NOW - 100 },
    });
    const failed = await token(h, { ...body, ...asParams(expired) });
    assert.ok(failed instanceof OAuthError);
    assert.equal(failed.code, 'invalid_client');
    const forged = await token(h, {
      ...body,
      ...asParams(await assertion('pk', stranger.privateKey, { kid: 'es' })),
    });
    assert.ok(forged instanceof OAuthError && forged.code === 'invalid_client');
    const redeemed = ok(
      await token(h, { ...body, ...asParams(await assertion('pk', es256.privateKey, { kid: 'es' })) }),
    );
    assert.ok(redeemed.access_token);
  });
});
