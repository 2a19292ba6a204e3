// Choosing the policy: acr_values are voluntary (first one the client offers, else its default); an
// essential acr claim must be met or the request fails with unmet_authentication_requirements.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy } from '../../../../src/config/policies.ts';
import { choosePolicy, requestedAcr } from '../../../../src/protocol/authorize/acr.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';

const low = compilePolicy({ id: 'low', acr: 'urn:low', steps: [['pw']], enrol: true });
const high = compilePolicy({ id: 'high', acr: 'urn:high', steps: [['pw'], ['otp']], enrol: true });
const policies = [low, high];
const pick = (acrValues: string | undefined, claims?: unknown) =>
  choosePolicy(policies, requestedAcr(acrValues, claims === undefined ? undefined : JSON.stringify(claims)));

test('no acr asked: the default (first) policy', () => {
  assert.equal(pick(undefined), low);
});
test('acr_values picks the first value the client offers, in the order sent', () => {
  assert.equal(pick('urn:unknown urn:high urn:low'), high);
});
test('unknown voluntary values fall back to the default', () => {
  assert.equal(pick('urn:unknown'), low);
});
test('an essential acr (values or value) picks its policy whatever acr_values says', () => {
  assert.equal(pick('urn:low', { id_token: { acr: { essential: true, values: ['urn:high'] } } }), high);
  assert.equal(pick(undefined, { id_token: { acr: { essential: true, value: 'urn:high' } } }), high);
});
test('an essential acr no policy carries is unmet_authentication_requirements (OIDC Core §5.5.1.1)', () => {
  const result = pick('urn:high', { id_token: { acr: { essential: true, values: ['urn:none'] } } });
  assert.ok(result instanceof OAuthError);
  assert.equal(result.code, 'unmet_authentication_requirements');
});
test('a non-essential acr claim counts as voluntary, before acr_values', () => {
  assert.equal(pick('urn:low', { id_token: { acr: { values: ['urn:high'] } } }), high);
  assert.equal(pick(undefined, { id_token: { acr: null } }), low);
});
