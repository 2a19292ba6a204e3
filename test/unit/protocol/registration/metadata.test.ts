// RFC 7591 §2 metadata under the registration policy: what is refused (and with which error and field), what a client gets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registrationSchema } from '../../../../src/config/schema-registration.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { checkMetadata } from '../../../../src/protocol/registration/metadata.ts';
import { redirectUriProblem } from '../../../../src/protocol/registration/redirect-uris.ts';

const policy = registrationSchema.parse({ enabled: true });
const scopes = new Set(['openid', 'profile', 'email', 'offline_access', 'admin']);
const base = { redirect_uris: ['https://app.example/cb'] };

const REDIRECTS: [string, string | undefined, Partial<typeof policy>?][] = [
  ['https://app.example/cb', undefined],
  ['http://localhost:8080/cb', undefined],
  ['http://127.0.0.1/cb', undefined],
  ['http://[::1]/cb', undefined],
  ['http://app.example/cb', 'loopback'],
  ['javascript:alert(1)', 'javascript'],
  ['JavaScript:alert(1)', 'javascript'],
  ['data:text/html,x', 'data'],
  ['file:///etc/passwd', 'file'],
  ['vbscript:x', 'vbscript'],
  ['https://app.example/cb#frag', 'fragment'],
  ['https://user:pw@app.example/cb', 'user information'],
  ['/relative', 'absolute'],
  ['com.example.app:/cb', 'only https'],
  ['com.example.app:/cb', undefined, { allow_custom_schemes: true }],
  ['myapp:/cb', 'reverse domain', { allow_custom_schemes: true }],
  ['https://evil.example/cb', 'host', { redirect_uri_hosts: ['app.example', '*.customers.example'] }],
  ['https://a.customers.example/cb', undefined, { redirect_uri_hosts: ['*.customers.example'] }],
  ['https://customers.example/cb', 'host', { redirect_uri_hosts: ['*.customers.example'] }],
];

for (const [uri, problem, change] of REDIRECTS) {
  test(`redirect URI ${uri} ${problem ? `is refused (${problem})` : 'is accepted'}${change ? ' under its policy' : ''}`, () => {
    const found = redirectUriProblem(uri, { ...policy, ...change });
    if (problem === undefined) assert.equal(found, undefined);
    else assert.match(found ?? '', new RegExp(problem, 'i'));
  });
}

const REFUSED: [
  string,
  Record<string, unknown>,
  'invalid_redirect_uri' | 'invalid_client_metadata',
  RegExp,
][] = [
  ['no redirect URIs for the code grant', {}, 'invalid_redirect_uri', /required/],
  [
    'a grant the policy does not list',
    { ...base, grant_types: ['client_credentials'] },
    'invalid_client_metadata',
    /^grant_types: /,
  ],
  [
    'an unknown grant',
    { ...base, grant_types: ['password'] },
    'invalid_client_metadata',
    /^grant_types: password/,
  ],
  [
    'an implicit response type',
    { ...base, response_types: ['token'] },
    'invalid_client_metadata',
    /^response_types: /,
  ],
  [
    'refresh_token without authorization_code',
    { ...base, grant_types: ['refresh_token'], response_types: [] },
    'invalid_client_metadata',
    /^grant_types: /,
  ],
  [
    'a scope outside the policy',
    { ...base, scope: 'openid admin' },
    'invalid_client_metadata',
    /^scope: admin/,
  ],
  [
    'client_secret_jwt',
    { ...base, token_endpoint_auth_method: 'client_secret_jwt' },
    'invalid_client_metadata',
    /^token_endpoint_auth_method/,
  ],
  [
    'private_key_jwt without keys',
    { ...base, token_endpoint_auth_method: 'private_key_jwt' },
    'invalid_client_metadata',
    /^jwks: /,
  ],
  [
    'keys without private_key_jwt',
    { ...base, jwks: { keys: [{ kty: 'EC' }] } },
    'invalid_client_metadata',
    /^jwks: /,
  ],
  [
    'an http logo',
    { ...base, logo_uri: 'http://app.example/logo.png' },
    'invalid_client_metadata',
    /^logo_uri: /,
  ],
  ['a numeric client_name', { ...base, client_name: 7 }, 'invalid_client_metadata', /^client_name: /],
  [
    'an unsupported ID token alg',
    { ...base, id_token_signed_response_alg: 'none' },
    'invalid_client_metadata',
    /^id_token_signed_response_alg/,
  ],
  [
    'redirect_uris that is a string',
    { redirect_uris: 'https://app.example/cb' },
    'invalid_redirect_uri',
    /array/,
  ],
];

for (const [name, body, code, description] of REFUSED) {
  test(`${name} is ${code} naming the field`, () => {
    const result = checkMetadata(body, policy, scopes);
    assert.ok(result instanceof OAuthError, `accepted: ${JSON.stringify(result)}`);
    assert.equal(result.code, code);
    assert.match(result.description, description);
  });
}

test('defaults follow RFC 7591 §2: authorization_code, code, client_secret_basic, the policy scopes the server knows', () => {
  const result = checkMetadata({ ...base, unknown_field: 'ignored' }, policy, new Set(['openid', 'profile']));
  assert.ok(!(result instanceof OAuthError));
  assert.deepEqual(result.metadata['grant_types'], ['authorization_code']);
  assert.deepEqual(result.metadata['response_types'], ['code']);
  assert.equal(result.metadata['token_endpoint_auth_method'], 'client_secret_basic');
  assert.equal(result.metadata['scope'], 'openid profile');
  assert.equal(result.metadata['unknown_field'], undefined, 'metadata it does not understand is ignored');
  assert.equal(result.confidential, true);
  assert.equal(result.config['consent_required'], true, 'a registered client always asks for consent');
});

test('a public client gets no secret and keeps refresh only when asked for', () => {
  const result = checkMetadata({ ...base, token_endpoint_auth_method: 'none' }, policy, scopes);
  assert.ok(!(result instanceof OAuthError));
  assert.equal(result.confidential, false);
  assert.deepEqual(result.config['refresh_token'], { enabled: false });
});
