// The authenticator registry: every type is filed under its own name and declares its schema, pages, acr and amr.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTHENTICATORS, amrFor, authenticatorType } from '../../../../src/authn/authenticators/index.ts';
import { acrFor } from '../../../../src/config/acr.ts';
import { FACTOR_ROLES } from '../../../../src/config/schema.ts';
import { liveConfig } from '../../helpers.ts';

/** What a type's config cannot do without: an upstream provider names itself, its issuer and Tessera's client ID. */
const REQUIRED: Record<string, Record<string, unknown>> = {
  oidc: { name: 'Acme', issuer: 'https://idp.example.com', client_id: 'tessera' },
};

test('each registry entry is filed under its type and its config schema accepts a config of that type', () => {
  for (const [name, type] of Object.entries(AUTHENTICATORS)) {
    assert.equal(type.type, name);
    const parsed = type.configSchema.safeParse({ id: 'probe', type: name, ...REQUIRED[name] });
    assert.ok(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`);
    if (type.role === 'second') assert.ok(type.second.pages.verify.view, `${name} names a verify view`);
    else assert.ok(type.pages.login.view, `${name} names a login view`);
    assert.equal(type.role, FACTOR_ROLES[type.type], `${name}: the registry and config agree on its role`);
    // An upstream provider establishes no amr of its own: a trusted one's come from its ID token (oidc/claims.ts).
    if (type.type === 'oidc') assert.deepEqual(type.amr, []);
    else assert.ok(type.amr.length > 0, `${name} declares its RFC 8176 amr values`);
  }
  assert.equal(authenticatorType('toString'), undefined, 'no prototype member is a type');
  assert.equal(authenticatorType('sms'), undefined, 'an unknown type');
});

test('html-form establishes amr ["pwd"] (RFC 8176 §2) and the acr that discovery publishes', () => {
  const htmlForm = AUTHENTICATORS['html-form'];
  assert.deepEqual(htmlForm.amr, ['pwd']);
  const config = { id: 'staff', type: 'html-form', registration: false } as const;
  assert.equal(htmlForm.acr(config), acrFor({ id: 'staff', type: 'html-form' }));
  assert.equal(htmlForm.registrationOpen(config), false);
  assert.ok(
    htmlForm.pages.login.fields.some((f) => f.name === 'password' && f.secret),
    'the password is secret',
  );
  assert.deepEqual(htmlForm.prefill({ login_hint: 'x'.repeat(70) }), { username: 'x'.repeat(64) });
  assert.deepEqual(amrFor('staff', liveConfig()), ['pwd']);
  assert.equal(amrFor('nope', liveConfig()), undefined);
});

test('oidc is a first factor whose login is a redirect, back at the callback its redirect URI names', () => {
  const oidc = AUTHENTICATORS.oidc;
  assert.equal(oidc.role, 'first');
  assert.equal(oidc.redirect.cookie, 'tessera_upstream');
  assert.equal(
    oidc.redirect.callbackUri('https://login.example.com/', 'acme'),
    'https://login.example.com/authn/callback/oidc/acme',
  );
  assert.equal(oidc.registrationOpen(), false, 'no registration page: accounts come from the provider');
});
