// The acr a sign-in is issued with: the policy's, except for a client signing in through a trusted upstream alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, implicitPolicy, issuedAcr } from '../../../src/config/policies.ts';
import type { AuthenticatorConfig } from '../../../src/config/schema.ts';

const upstream = (trust: boolean): AuthenticatorConfig => ({
  id: 'acme',
  type: 'oidc',
  name: 'Acme',
  issuer: 'https://idp.example.com',
  client_id: 'tessera',
  client_secret: 's',
  token_endpoint_auth_method: 'client_secret_basic',
  scopes: ['openid'],
  create_accounts: false,
  claims: {},
  trust_upstream_authentication: trust,
});
const authenticators = (trust: boolean) => new Map([['acme', upstream(trust)]]);
const session = { authenticator: 'acme', acr: 'urn:acme:loa:2' };

test('a trusted upstream alone (the implicit policy): the acr it reported, which the session kept', () => {
  assert.equal(issuedAcr(implicitPolicy(upstream(true)), session, authenticators(true)), 'urn:acme:loa:2');
});

test('an upstream not trusted: the policy acr, whatever the session holds', () => {
  assert.equal(
    issuedAcr(implicitPolicy(upstream(false)), session, authenticators(false)),
    'urn:tessera:authentication:oidc:acme',
  );
});

test('a named policy: its own acr, the one a client asks for by acr_values, even through a trusted upstream', () => {
  const policy = compilePolicy({
    id: 'corp',
    acr: 'urn:corp:sso',
    steps: [['acme', 'username-password']],
    enrol: false,
  });
  assert.equal(issuedAcr(policy, session, authenticators(true)), 'urn:corp:sso');
});

test('a password session under an implicit policy keeps the policy acr', () => {
  const form: AuthenticatorConfig = { id: 'username-password', type: 'html-form', registration: true };
  assert.equal(
    issuedAcr(
      implicitPolicy(form),
      { authenticator: 'username-password', acr: 'tampered' },
      new Map([['username-password', form]]),
    ),
    'urn:tessera:authentication:html-form:username-password',
  );
});
