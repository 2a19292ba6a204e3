// The client schema's rules across fields: capabilities, JWT client authentication, APIs, and the FAPI 2.0 profile.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from '../../../src/config/live.ts';
import { clientSchema, snapshotSchema } from '../../../src/config/schema.ts';
import { validateSnapshot } from '../../../src/config/validate.ts';

const SECRET = 'svc-Secret_Q8m2Zx5Tn7Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2IoX';
const KEY = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' };

/** The messages of every issue the schema reports, keyed by the path they name. */
function issues(input: Record<string, unknown>): Map<string, string> {
  const parsed = clientSchema.safeParse({ client_id: 'c', ...input });
  if (parsed.success) return new Map();
  return new Map(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
}

const fapi = {
  profile: 'fapi2',
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [KEY] },
  id_token_signed_response_alg: 'PS256',
  redirect_uris: ['https://bank.example/cb'],
};

describe('client schema: capabilities and authentication', () => {
  test('a client-credentials-only client needs no redirect URI; a code-flow client does', () => {
    assert.equal(issues({ capabilities: ['client_credentials'], secret: SECRET }).size, 0);
    assert.match(issues({ secret: SECRET }).get('redirect_uris') ?? '', /at least one redirect URI/);
  });

  test('client credentials needs a confidential client (RFC 6749 §4.4)', () => {
    const found = issues({ capabilities: ['client_credentials'], token_endpoint_auth_method: 'none' });
    assert.match(found.get('capabilities') ?? '', /confidential/);
  });

  test('private_key_jwt needs exactly one of jwks and jwks_uri, and no secret', () => {
    const base = { capabilities: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' };
    assert.match(issues(base).get('jwks') ?? '', /exactly one/);
    assert.match(
      issues({ ...base, jwks: { keys: [KEY] }, jwks_uri: 'https://c.example/jwks' }).get('jwks') ?? '',
      /exactly one/,
    );
    assert.match(issues({ ...base, jwks: { keys: [KEY] }, secret: SECRET }).get('secret') ?? '', /no secret/);
    assert.equal(issues({ ...base, jwks: { keys: [KEY] } }).size, 0);
  });

  test('jwks_uri is https, or http only on loopback', () => {
    const base = { capabilities: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' };
    assert.ok(issues({ ...base, jwks_uri: 'http://keys.example/jwks' }).has('jwks_uri'));
    assert.equal(issues({ ...base, jwks_uri: 'http://127.0.0.1:9/jwks' }).size, 0);
  });

  test('client_secret_jwt needs the secret itself, not only its hash', () => {
    const base = { capabilities: ['client_credentials'], token_endpoint_auth_method: 'client_secret_jwt' };
    assert.match(issues({ ...base, secret_hash: 'hmac-sha256:x' }).get('secret') ?? '', /HMAC key/);
    assert.equal(issues({ ...base, secret: SECRET }).size, 0);
  });

  test('the assertion alg must fit the method: no HS* for private_key_jwt, only HS* for client_secret_jwt', () => {
    const pk = {
      capabilities: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [KEY] },
    };
    assert.ok(
      issues({ ...pk, token_endpoint_auth_signing_alg: 'HS256' }).has('token_endpoint_auth_signing_alg'),
    );
    const hs = {
      capabilities: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_jwt',
      secret: SECRET,
    };
    assert.ok(
      issues({ ...hs, token_endpoint_auth_signing_alg: 'ES256' }).has('token_endpoint_auth_signing_alg'),
    );
    assert.equal(issues({ ...hs, token_endpoint_auth_signing_alg: 'HS512' }).size, 0);
  });
});

describe('client schema: the FAPI 2.0 profile', () => {
  test('a client that follows the profile is accepted and compiled to its rules', () => {
    assert.equal(issues(fapi).size, 0);
    const live = compileConfig(
      snapshotSchema.parse({ clients: [{ client_id: 'bank', ...fapi }] }),
      1,
      (s) => s,
    );
    const bank = live.clients.get('bank')!;
    assert.equal(bank.requirePar, true);
    assert.equal(bank.requireDpop, true);
    assert.equal(bank.requirePkce, true);
    assert.equal(bank.refreshToken.rotation, false);
    assert.equal(bank.codeLifetime, 60);
  });

  for (const [rule, change, path] of [
    [
      'private_key_jwt only (§5.3.2.1)',
      { token_endpoint_auth_method: 'client_secret_basic', jwks: undefined, secret: SECRET },
      'token_endpoint_auth_method',
    ],
    [
      'no RS256 ID tokens (§5.4.1)',
      { id_token_signed_response_alg: 'RS256' },
      'id_token_signed_response_alg',
    ],
    ['PKCE cannot be turned off (§5.3.2.2)', { require_pkce: false }, 'require_pkce'],
    ['no plain PKCE (§5.3.2.2)', { allow_plain_pkce: true }, 'require_pkce'],
    [
      'PAR cannot be turned off (§5.3.2.2)',
      { require_pushed_authorization_requests: false },
      'require_pushed_authorization_requests',
    ],
    ['DPoP cannot be turned off (§5.3.2.1)', { dpop_bound_access_tokens: false }, 'dpop_bound_access_tokens'],
    ['no refresh rotation (§5.3.2.1)', { refresh_token: { rotation: true } }, 'refresh_token.rotation'],
    [
      'no HS256 request objects (§5.4.1)',
      { request_object_signing_alg: 'HS256' },
      'request_object_signing_alg',
    ],
  ] as const) {
    test(`a client against the profile is refused, naming the rule: ${rule}`, () => {
      const found = issues({ ...fapi, ...change });
      assert.match(found.get(path) ?? '', /FAPI 2\.0 \(§5\.\d\.\d(\.\d)?\)/, [...found].join('; '));
    });
  }
});

describe('snapshot: APIs', () => {
  test('a client naming an API that is not configured is refused at validation', () => {
    const result = validateSnapshot({
      clients: [
        {
          client_id: 'svc',
          capabilities: ['client_credentials'],
          secret: SECRET,
          apis: ['https://nope.example/'],
        },
      ],
    });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.issues.some((i) => i.path === 'clients[0].apis[0]'));
  });

  test('an API accepting an unknown scope, or named twice, is refused', () => {
    const api = { identifier: 'https://api.example/', scopes: ['nope'] };
    const result = validateSnapshot({ apis: [api, { identifier: 'https://api.example/' }] });
    assert.equal(result.ok, false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    assert.ok(paths.includes('apis[0].scopes[0]'));
    assert.ok(paths.includes('apis[1].identifier'));
  });

  test('an API identifier with a fragment is refused (RFC 8707 §2)', () => {
    assert.equal(
      snapshotSchema.safeParse({ apis: [{ identifier: 'https://api.example/#x' }] }).success,
      false,
    );
  });
});
