// Resource indicators in the code flow (RFC 8707 §2.1 authorize, §2.2 token and refresh).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import { introspectEndpoint } from '../../../../src/protocol/endpoints/introspect.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import {
  authorize,
  authorizeParams,
  basic,
  exchange,
  form,
  harness,
  issueCode,
  login,
  ok,
  redirectParams,
  testSnapshot,
  token,
  WEB_CB,
  WEB_SECRET,
} from '../../helpers.ts';

const WEB = basic('web', WEB_SECRET);
const REPORTS_API = 'https://reports.example/api';
const MAIL_API = 'https://mail.example/api';

function snapshot(): SnapshotInput {
  const base = testSnapshot();
  return {
    ...base,
    scopes: [...(base.scopes ?? []), { name: 'mail:send' }],
    apis: [
      { identifier: REPORTS_API, scopes: ['reports'], access_token_format: 'jwt' },
      { identifier: MAIL_API, scopes: ['mail:send'], access_token_format: 'jwt', access_token_lifetime: 60 },
    ],
    clients: (base.clients ?? []).map((c) =>
      c.client_id === 'web'
        ? { ...c, scopes: [...(c.scopes ?? []), 'mail:send'], apis: [REPORTS_API, MAIL_API] }
        : c,
    ),
  };
}

const SCOPE = 'openid profile reports mail:send';

describe('resource at the authorization endpoint', () => {
  test('an unknown resource is redirected back as invalid_target with the state', async () => {
    const h = harness(snapshot());
    const outcome = await authorize(
      h,
      authorizeParams({ resource: 'https://nope.example/' }),
      await login(h),
    );
    const query = redirectParams(outcome);
    assert.equal(query.get('error'), 'invalid_target');
    assert.equal(query.get('state'), 'st-123');
  });

  test('an API another client may use but this one may not is invalid_target', async () => {
    const h = harness(snapshot());
    const outcome = await authorize(
      h,
      authorizeParams({ client_id: 'other', resource: REPORTS_API }),
      await login(h),
    );
    assert.equal(redirectParams(outcome).get('error'), 'invalid_target');
  });

  test('the resources are kept with the code', async () => {
    const h = harness(snapshot());
    await issueCode(h, authorizeParams({ scope: SCOPE, resource: [REPORTS_API, MAIL_API] }));
    assert.equal(h.savedCodes.at(-1)?.resource, `${REPORTS_API} ${MAIL_API}`);
  });
});

describe('resource at the token endpoint', () => {
  test('one of the authorized resources: aud, scope and lifetime of that API; the ID token is unchanged', async () => {
    const h = harness(snapshot());
    const code = await issueCode(h, authorizeParams({ scope: SCOPE, resource: [REPORTS_API, MAIL_API] }));
    const response = ok(await exchange(h, code, { redirect_uri: WEB_CB, resource: MAIL_API }));
    const claims = decodeJwt(response.access_token);
    assert.equal(claims.aud, MAIL_API);
    assert.equal(claims['scope'], 'mail:send');
    assert.equal(response.expires_in, 60);
    assert.equal(decodeJwt(response.id_token!).aud, 'web');
  });

  test('a resource the authorization request did not name is invalid_target (§2.2)', async () => {
    const h = harness(snapshot());
    const code = await issueCode(h, authorizeParams({ scope: SCOPE, resource: REPORTS_API }));
    const result = await exchange(h, code, { redirect_uri: WEB_CB, resource: MAIL_API });
    assert.ok(result instanceof OAuthError);
    assert.equal(result.code, 'invalid_target');
  });

  test('no resource at the token endpoint: the authorized ones are the audience', async () => {
    const h = harness(snapshot());
    const code = await issueCode(h, authorizeParams({ scope: SCOPE, resource: REPORTS_API }));
    const response = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
    assert.equal(decodeJwt(response.access_token).aud, REPORTS_API);
    const info = await introspectEndpoint(form({ token: response.access_token }, WEB), h.deps);
    assert.ok(!(info instanceof OAuthError));
    assert.equal(info['aud'], REPORTS_API);
  });

  test('a refresh may switch among the authorized resources, not beyond them', async () => {
    const h = harness(snapshot());
    const code = await issueCode(h, authorizeParams({ scope: SCOPE, resource: [REPORTS_API, MAIL_API] }));
    const first = ok(await exchange(h, code, { redirect_uri: WEB_CB, resource: REPORTS_API }));
    const refresh = (resource: string) =>
      token(h, { grant_type: 'refresh_token', refresh_token: first.refresh_token!, resource }, WEB);
    const mail = ok(await refresh(MAIL_API));
    assert.equal(decodeJwt(mail.access_token).aud, MAIL_API);
    const beyond = await refresh('https://nope.example/');
    assert.ok(beyond instanceof OAuthError);
    assert.equal(beyond.code, 'invalid_target');
  });

  test('without any resource the access token stays the client’s own', async () => {
    const h = harness(snapshot());
    const code = await issueCode(h, authorizeParams({ scope: 'openid profile' }));
    const response = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
    assert.equal(response.scope, 'openid profile');
    const info = await introspectEndpoint(form({ token: response.access_token }, WEB), h.deps);
    assert.ok(!(info instanceof OAuthError));
    assert.equal(info['aud'], 'web');
  });
});
