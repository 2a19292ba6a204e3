// grant_type=client_credentials (RFC 6749 §4.4) and resource indicators on it (RFC 8707).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import { introspectEndpoint } from '../../../../src/protocol/endpoints/introspect.ts';
import { userinfoEndpoint } from '../../../../src/protocol/endpoints/userinfo.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import type { TokenResponse } from '../../../../src/protocol/tokens/response.ts';
import { basic, form, harness, ok, testSnapshot, token, WEB_SECRET } from '../../helpers.ts';

const SVC_SECRET = 'svc-Secret_Q8m2Zx5Tn7Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2IoX';
const SVC = basic('svc', SVC_SECRET);
const REPORTS_API = 'https://reports.example/api';
const BILLING_API = 'https://billing.example/';

function machineSnapshot(): SnapshotInput {
  const base = testSnapshot();
  return {
    ...base,
    scopes: [...(base.scopes ?? []), { name: 'reports:read' }, { name: 'billing:write' }],
    apis: [
      {
        identifier: REPORTS_API,
        scopes: ['reports:read'],
        access_token_format: 'jwt',
        access_token_lifetime: 120,
      },
      { identifier: BILLING_API, scopes: ['billing:write'], access_token_format: 'opaque' },
    ],
    clients: [
      ...(base.clients ?? []),
      {
        client_id: 'svc',
        capabilities: ['client_credentials'],
        secret: SVC_SECRET,
        scopes: ['reports:read', 'billing:write'],
        apis: [REPORTS_API],
      },
    ],
  };
}

const grant = (extra: Record<string, string | string[]> = {}, auth = SVC, h = harness(machineSnapshot())) =>
  token(h, { grant_type: 'client_credentials', ...extra }, auth);

function refused(result: TokenResponse | OAuthError, code: string): OAuthError {
  assert.ok(result instanceof OAuthError, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
  return result;
}

describe('client_credentials: issued', () => {
  test('an allowed confidential client gets an access token and neither a refresh token nor an ID token (§4.4.3)', async () => {
    const response = ok(await grant({ scope: 'reports:read' }));
    assert.equal(response.token_type, 'bearer');
    assert.equal(response.scope, 'reports:read');
    assert.equal(response.refresh_token, undefined);
    assert.equal(response.id_token, undefined);
  });

  test('without scope the token carries the client’s own scopes', async () => {
    const response = ok(await grant());
    assert.equal(response.scope, 'reports:read billing:write');
  });

  test('introspection reports the client as subject, no username, aud the client', async () => {
    const h = harness(machineSnapshot());
    const response = ok(await grant({}, SVC, h));
    const result = await introspectEndpoint(form({ token: response.access_token }, SVC), h.deps);
    assert.ok(!(result instanceof OAuthError));
    assert.equal(result['active'], true);
    assert.equal(result['sub'], 'svc');
    assert.equal(result['aud'], 'svc');
    assert.equal(result['username'], undefined);
  });

  test('userinfo refuses a token that has no user behind it', async () => {
    const h = harness(machineSnapshot());
    const response = ok(await grant({}, SVC, h));
    const result = await userinfoEndpoint(
      { authorization: `Bearer ${response.access_token}`, bodyToken: undefined },
      h.deps,
    );
    refused(result as OAuthError, 'invalid_token');
  });
});

describe('client_credentials: refused', () => {
  test('a client not allowed the grant is unauthorized_client (RFC 6749 §5.2)', async () => {
    refused(await grant({}, basic('web', WEB_SECRET)), 'unauthorized_client');
  });

  test('a scope beyond the client’s own is invalid_scope', async () => {
    refused(await grant({ scope: 'reports:read admin' }), 'invalid_scope');
  });

  test('openid needs a user, so it is invalid_scope here', async () => {
    refused(await grant({ scope: 'openid' }), 'invalid_scope');
  });

  test('a wrong secret is invalid_client', async () => {
    refused(await grant({}, basic('svc', `${SVC_SECRET}x`)), 'invalid_client');
  });
});

describe('client_credentials: resource indicators (RFC 8707)', () => {
  test('resource picks the audience, the API’s format and lifetime, and only the scopes it accepts', async () => {
    const response = ok(await grant({ resource: REPORTS_API }));
    const claims = decodeJwt(response.access_token);
    assert.equal(claims.aud, REPORTS_API);
    assert.equal(claims.sub, 'svc');
    assert.equal(claims['scope'], 'reports:read');
    assert.equal(response.expires_in, 120);
    assert.equal(response.scope, 'reports:read');
  });

  test('introspection reports the API as aud', async () => {
    const h = harness(machineSnapshot());
    const response = ok(await grant({ resource: REPORTS_API }, SVC, h));
    const result = await introspectEndpoint(form({ token: response.access_token }, SVC), h.deps);
    assert.ok(!(result instanceof OAuthError));
    assert.equal(result['aud'], REPORTS_API);
  });

  test('an unknown resource is invalid_target', async () => {
    refused(await grant({ resource: 'https://unknown.example/' }), 'invalid_target');
  });

  test('a configured API the client is not allowed is invalid_target', async () => {
    refused(await grant({ resource: BILLING_API }), 'invalid_target');
  });

  test('a relative or fragment resource is invalid_target (§2)', async () => {
    refused(await grant({ resource: '/api' }), 'invalid_target');
    refused(await grant({ resource: `${REPORTS_API}#x` }), 'invalid_target');
  });

  test('a scope the API does not accept is invalid_scope', async () => {
    refused(await grant({ resource: REPORTS_API, scope: 'billing:write' }), 'invalid_scope');
  });

  test('resource may be repeated; APIs with different token formats are refused together', async () => {
    const snapshot = machineSnapshot();
    snapshot.clients!.at(-1)!.apis = [REPORTS_API, BILLING_API];
    const result = await grant({ resource: [REPORTS_API, BILLING_API] }, SVC, harness(snapshot));
    const error = refused(result, 'invalid_target');
    assert.match(error.description, /different token formats/);
  });
});
