// Discovery advertises exactly what is supported: each listed value works, and a value not listed is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CryptoKey, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  authorizeUrl,
  basic,
  CALLBACK,
  callback,
  claimsOf,
  codeFor,
  pkce,
  postForm,
  signUp,
  token,
  tokensFor,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const ALL_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'photos'];
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const clientKey = await generateKeyPair('ES256');
let server: TestServer;
let agent: UserAgent;
let meta: Record<string, unknown>;

before(async () => {
  server = await startServer({
    config: {
      scopes: [{ name: 'photos', description: 'Read your photos', claims: ['photo_count'] }],
      clients: [
        { ...wwwClient, scopes: ALL_SCOPES },
        { ...wwwClient, client_id: 'post', token_endpoint_auth_method: 'client_secret_post' },
        { ...wwwClient, client_id: 'second' },
        { client_id: 'public', token_endpoint_auth_method: 'none', redirect_uris: [CALLBACK] },
        {
          client_id: 'pkjwt',
          redirect_uris: [CALLBACK],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...(await exportJWK(clientKey.publicKey)), kid: 'k1' }] },
        },
        { ...wwwClient, client_id: 'hsjwt', token_endpoint_auth_method: 'client_secret_jwt' },
        ...['PS256', 'ES256', 'EdDSA'].map((alg) => ({
          ...wwwClient,
          client_id: `alg-${alg}`,
          id_token_signed_response_alg: alg,
          userinfo_signed_response_alg: alg,
        })),
        { ...wwwClient, client_id: 'alg-RS256', userinfo_signed_response_alg: 'RS256' },
        {
          client_id: 'machine',
          capabilities: ['client_credentials'],
          secret: WWW_SECRET,
          scopes: ['photos'],
        },
      ],
    },
  });
  agent = await signUp(server, 'dora', { email: 'dora@example.com' });
  const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  meta = (await res.json()) as Record<string, unknown>;
});
after(() => server.close());

/** RFC 7523 §3: iss = sub = client_id, aud the issuer, a minute to live, a fresh jti. */
function clientAssertion(clientId: string, alg: string, key: CryptoKey | Uint8Array): Promise<string> {
  return new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(server.issuer)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key);
}

const list = (name: string): string[] => {
  const value = meta[name];
  assert.ok(Array.isArray(value), `${name} is a list`);
  return value as string[];
};

/** The authorization endpoint's redirect for the www client, with the given extra parameters. */
async function authorize(params: Record<string, string>): Promise<URLSearchParams> {
  return callback(
    await agent.request(
      authorizeUrl(server, {
        response_type: 'code',
        client_id: 'www',
        redirect_uri: CALLBACK,
        state: 'st-d',
        ...params,
      }),
    ),
  );
}

describe('the documents', () => {
  test('the issuer is the URL the document was fetched under, and RFC 8414 metadata says the same', async () => {
    assert.equal(meta['issuer'], server.issuer);
    for (const path of [
      `${server.url}/.well-known/oauth-authorization-server/oauth/v2/oauth-anonymous`,
      `${server.issuer}/.well-known/oauth-authorization-server`,
    ]) {
      const res = await fetch(path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), meta, path);
    }
  });

  test('every endpoint the document lists exists (no 404, no 5xx) and lies under the issuer’s origin', async () => {
    const endpoints = Object.entries(meta).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
    assert.deepEqual(
      endpoints.map(([k]) => k).sort(),
      [
        'authorization_endpoint',
        'end_session_endpoint',
        'introspection_endpoint',
        'jwks_uri',
        'pushed_authorization_request_endpoint',
        'revocation_endpoint',
        'token_endpoint',
        'userinfo_endpoint',
      ],
      'exactly the endpoints that are implemented',
    );
    for (const [name, url] of endpoints) {
      assert.equal(new URL(url as string).origin, server.url, name);
      // A JWK Set is a document to GET (RFC 7517 §5); every other endpoint takes GET or POST, or answers 405.
      for (const method of name === 'jwks_uri' ? ['GET'] : ['GET', 'POST']) {
        const res = await fetch(url as string, {
          method,
          redirect: 'manual',
          ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
          ...(method === 'POST' ? { body: '' } : {}),
        });
        assert.notEqual(res.status, 404, `${method} ${name}`);
        assert.ok(res.status < 500, `${method} ${name}: ${res.status}`);
      }
    }
  });

  test('the JWKS has a key for every advertised ID token signing algorithm', async () => {
    const keys = (
      (await (await fetch(meta['jwks_uri'] as string)).json()) as { keys: Record<string, string>[] }
    ).keys;
    for (const alg of list('id_token_signing_alg_values_supported'))
      assert.ok(
        keys.some((k) => k['alg'] === alg),
        alg,
      );
  });
});

describe('response_types, response_modes, grant_types', () => {
  test('response_types_supported is exactly ["code"], and code works', async () => {
    assert.deepEqual(list('response_types_supported'), ['code']);
    assert.ok((await authorize({})).get('code'));
  });

  test('a response_type not listed is unsupported_response_type', async () => {
    for (const type of ['token', 'id_token', 'code id_token', 'code token', 'none']) {
      assert.equal(
        (await authorize({ response_type: type })).get('error'),
        'unsupported_response_type',
        type,
      );
    }
  });

  test('every listed response_mode works; one not listed is refused', async () => {
    for (const mode of list('response_modes_supported'))
      assert.ok((await authorize({ response_mode: mode })).get('code'), mode);
    for (const mode of ['fragment', 'form_post', 'jwt']) {
      assert.ok(!list('response_modes_supported').includes(mode));
      assert.equal((await authorize({ response_mode: mode })).get('error'), 'invalid_request', mode);
    }
  });

  test('every listed grant_type works', async () => {
    assert.deepEqual([...list('grant_types_supported')].sort(), [
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    const tokens = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET });
    const refreshed = await token(
      server,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      basic('www', WWW_SECRET),
    );
    assert.equal(refreshed.status, 200);
    const machine = await token(server, { grant_type: 'client_credentials' }, basic('machine', WWW_SECRET));
    assert.equal(machine.status, 200);
    assert.equal(machine.json['scope'], 'photos');
  });

  test('a listed grant_type the client is not allowed is unauthorized_client', async () => {
    const res = await token(server, { grant_type: 'client_credentials' }, basic('www', WWW_SECRET));
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'unauthorized_client');
  });

  test('a grant_type not listed is unsupported_grant_type', async () => {
    for (const grant of [
      'password',
      'implicit',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]) {
      const res = await token(server, { grant_type: grant, scope: 'openid' }, basic('www', WWW_SECRET));
      assert.equal(res.status, 400, grant);
      assert.equal(res.json['error'], 'unsupported_grant_type', grant);
    }
  });
});

describe('client authentication methods', () => {
  async function redeem(clientId: string, form: Record<string, string>, authorization?: string) {
    const { verifier, challenge } = pkce();
    const code = await codeFor(server, agent, {
      client_id: clientId,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return token(
      server,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, ...form },
      authorization,
    );
  }

  const attempts: Record<string, () => ReturnType<typeof redeem>> = {
    client_secret_basic: () => redeem('www', {}, basic('www', WWW_SECRET)),
    client_secret_post: () => redeem('www', { client_id: 'www', client_secret: WWW_SECRET }),
    none: () => redeem('public', { client_id: 'public' }),
    private_key_jwt: async () =>
      redeem('pkjwt', {
        client_assertion_type: JWT_BEARER,
        client_assertion: await clientAssertion('pkjwt', 'ES256', clientKey.privateKey),
      }),
    client_secret_jwt: async () =>
      redeem('hsjwt', {
        client_assertion_type: JWT_BEARER,
        client_assertion: await clientAssertion('hsjwt', 'HS256', new TextEncoder().encode(WWW_SECRET)),
      }),
  };

  test('every token_endpoint_auth_method listed works', async () => {
    const methods = list('token_endpoint_auth_methods_supported');
    for (const method of methods) {
      const attempt = attempts[method];
      assert.ok(attempt, `no test for advertised method ${method}`);
      const res = await attempt();
      assert.equal(res.status, 200, `${method}: ${res.text}`);
    }
  });

  test('the assertion algorithms are listed (RFC 8414 §2), never none', () => {
    const algs = list('token_endpoint_auth_signing_alg_values_supported');
    for (const alg of ['RS256', 'ES256', 'PS256', 'HS256']) assert.ok(algs.includes(alg), alg);
    assert.ok(!algs.includes('none'));
  });

  test('a method the client is not registered for is refused: an assertion from a secret client', async () => {
    const res = await redeem('www', {
      client_id: 'www',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln',
    });
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
  });

  for (const [endpoint, path] of [
    ['introspection', '/oauth/v2/oauth-introspect'],
    ['revocation', '/oauth/v2/oauth-revoke'],
  ] as const) {
    test(`${endpoint}_endpoint_auth_methods_supported: each listed method works, and "none" works only if listed`, async () => {
      const methods = list(`${endpoint}_endpoint_auth_methods_supported`);
      const url = server.url + path;
      const byMethod: Record<string, () => Promise<number>> = {
        client_secret_basic: async () =>
          (await postForm(url, { token: 'x' }, { authorization: basic('www', WWW_SECRET) })).status,
        client_secret_post: async () =>
          (await postForm(url, { token: 'x', client_id: 'www', client_secret: WWW_SECRET })).status,
        none: async () => (await postForm(url, { token: 'x', client_id: 'public' })).status,
        private_key_jwt: async () => {
          const jwt = await clientAssertion('pkjwt', 'ES256', clientKey.privateKey);
          return (
            await postForm(url, { token: 'x', client_assertion_type: JWT_BEARER, client_assertion: jwt })
          ).status;
        },
        client_secret_jwt: async () => {
          const jwt = await clientAssertion('hsjwt', 'HS256', new TextEncoder().encode(WWW_SECRET));
          return (
            await postForm(url, { token: 'x', client_assertion_type: JWT_BEARER, client_assertion: jwt })
          ).status;
        },
      };
      for (const method of methods) {
        const attempt = byMethod[method];
        assert.ok(attempt, `no test for advertised method ${method}`);
        assert.equal(await attempt(), 200, method);
      }
      const publicStatus = (await postForm(url, { token: 'x', client_id: 'public' })).status;
      assert.equal(
        publicStatus === 200,
        methods.includes('none'),
        `a public client with client_id alone got ${publicStatus}, but "none" is ${methods.includes('none') ? '' : 'not '}advertised`,
      );
    });
  }
});

describe('PKCE, prompt, scopes and claims', () => {
  test('code_challenge_methods_supported lists S256 (which works) and not plain (which is refused)', async () => {
    assert.deepEqual(list('code_challenge_methods_supported'), ['S256']);
    const { challenge, verifier } = pkce();
    assert.ok((await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })).get('code'));
    assert.equal(
      (await authorize({ code_challenge: verifier, code_challenge_method: 'plain' })).get('error'),
      'invalid_request',
    );
  });

  test('every listed prompt value is accepted; one not listed is invalid_request', async () => {
    for (const prompt of list('prompt_values_supported')) {
      const res = await agent.request(
        authorizeUrl(server, { response_type: 'code', client_id: 'www', redirect_uri: CALLBACK, prompt }),
      );
      assert.equal(res.status, 303, prompt);
      const location = new URL(res.headers.get('location')!, server.url);
      if (location.origin === 'http://localhost') assert.ok(location.searchParams.get('code'), prompt);
      else assert.match(location.pathname, /^\/authn\//, `${prompt} leads to a login or consent page`);
    }
    for (const prompt of ['create', 'unknown']) {
      assert.equal((await authorize({ prompt })).get('error'), 'invalid_request', prompt);
    }
  });

  test('every listed scope can be requested by a client allowed it; an unlisted scope is invalid_scope', async () => {
    const scopes = list('scopes_supported');
    for (const scope of ALL_SCOPES) assert.ok(scopes.includes(scope), scope);
    const tokens = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: scopes.join(' ') },
    );
    assert.deepEqual(tokens.scope.split(' ').sort(), [...scopes].sort());
    assert.equal((await authorize({ scope: 'openid no-such-scope' })).get('error'), 'invalid_scope');
  });

  test('the claims the email scope stands for are listed in claims_supported and released at userinfo', async () => {
    const claims = list('claims_supported');
    for (const claim of ['sub', 'iss', 'auth_time', 'email', 'email_verified', 'photo_count'])
      assert.ok(claims.includes(claim), claim);
    const tokens = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: 'openid email' },
    );
    const res = await fetch(meta['userinfo_endpoint'] as string, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['email'], 'dora@example.com');
    for (const name of Object.keys(body)) assert.ok(claims.includes(name), `${name} is in claims_supported`);
  });

  test('claims_parameter_supported is true and the claims parameter works', async () => {
    assert.equal(meta['claims_parameter_supported'], true);
    const tokens = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: 'openid', claims: JSON.stringify({ id_token: { email: null } }) },
    );
    assert.equal(claimsOf(tokens.id_token!)['email'], 'dora@example.com');
  });

  test('request objects are advertised and checked; request_uri by reference (a URL) is not', async () => {
    assert.equal(meta['request_parameter_supported'], true);
    assert.equal(meta['request_uri_parameter_supported'], false);
    assert.equal((await authorize({ request: 'a.b.c' })).get('error'), 'invalid_request_object');
    assert.equal(
      (await authorize({ request_uri: 'https://x.example/r' })).get('error'),
      'request_uri_not_supported',
    );
  });

  test('authorization_response_iss_parameter_supported is true and iss is on success and error responses', async () => {
    assert.equal(meta['authorization_response_iss_parameter_supported'], true);
    assert.equal((await authorize({})).get('iss'), server.issuer);
    assert.equal((await authorize({ response_type: 'token' })).get('iss'), server.issuer);
  });

  test('subject_types_supported is public: two clients see the same sub', async () => {
    assert.deepEqual(list('subject_types_supported'), ['public']);
    const one = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const two = await tokensFor(server, agent, { id: 'second', secret: WWW_SECRET }, { scope: 'openid' });
    assert.equal(claimsOf(one.id_token!).sub, claimsOf(two.id_token!).sub);
  });

  test('the acr in an ID token is one of acr_values_supported', async () => {
    const tokens = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    assert.ok(list('acr_values_supported').includes(claimsOf(tokens.id_token!)['acr'] as string));
  });

  test('every listed ui_locales value is accepted', async () => {
    for (const locale of list('ui_locales_supported'))
      assert.ok((await authorize({ ui_locales: locale })).get('code'), locale);
  });
});

describe('signing algorithms', () => {
  test('every listed id_token_signing_alg_values_supported value signs ID tokens for a client configured with it', async () => {
    const algs = list('id_token_signing_alg_values_supported');
    assert.ok(!algs.includes('none'));
    for (const alg of algs) {
      const id = alg === 'RS256' ? 'www' : `alg-${alg}`;
      const tokens = await tokensFor(server, agent, { id, secret: WWW_SECRET }, { scope: 'openid' });
      assert.equal(decodeProtectedHeader(tokens.id_token!).alg, alg);
    }
  });

  test('every listed userinfo_signing_alg_values_supported value signs userinfo for a client configured with it', async () => {
    for (const alg of list('userinfo_signing_alg_values_supported')) {
      const tokens = await tokensFor(
        server,
        agent,
        { id: `alg-${alg}`, secret: WWW_SECRET },
        { scope: 'openid' },
      );
      const res = await fetch(meta['userinfo_endpoint'] as string, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.match(res.headers.get('content-type') ?? '', /^application\/jwt/, alg);
      assert.equal(decodeProtectedHeader(await res.text()).alg, alg);
    }
  });

  test('an id_token_signed_response_alg that is not listed is refused in the client configuration', async () => {
    const { clientSchema } = await import('../../src/config/schema.ts');
    for (const alg of ['none', 'HS256', 'RS512'])
      assert.equal(
        clientSchema.safeParse({ ...wwwClient, id_token_signed_response_alg: alg }).success,
        false,
        alg,
      );
  });
});

describe('metadata only for what is implemented', () => {
  test('no metadata for unimplemented features', () => {
    for (const name of [
      'registration_endpoint',
      'device_authorization_endpoint',
      'backchannel_authentication_endpoint',
      'check_session_iframe',
      'frontchannel_logout_supported',
      'backchannel_logout_supported',
      'id_token_encryption_alg_values_supported',
      'userinfo_encryption_alg_values_supported',
      'tls_client_certificate_bound_access_tokens',
      'require_pushed_authorization_requests',
    ]) {
      assert.ok(!(name in meta) || meta[name] === false, `${name} is advertised`);
    }
  });

  test('discovery is public: readable cross-origin and cacheable', async () => {
    const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
  });
});
