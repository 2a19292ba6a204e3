// The New Client wizard for a Device Flow client (RFC 8628): no redirect URIs, a login for the user, public allowed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advance, initialState, stepsFor, type WizardState } from '../../../src/admin/wizard.ts';
import { clientSchema } from '../../../src/config/schema.ts';
import { client, secrets, snapshotOf } from './helpers.ts';

const snapshot = snapshotOf({ clients: [client('taken')] });
const tv = (extra: Partial<WizardState> = {}): WizardState => ({
  ...initialState(snapshot),
  client_id: 'tv',
  capabilities: ['device_code'],
  ...extra,
});

test('a Device Flow client skips redirect URIs but keeps user authentication and the openid scope', () => {
  assert.deepEqual(
    stepsFor(tv()).map((s) => s.id),
    ['client', 'capabilities', 'client_authentication', 'user_authentication', 'scopes', 'apis', 'security'],
  );
  const next = advance(snapshot, secrets, 'capabilities', tv(), { type: 'next' });
  assert.equal(next.step, 'client_authentication');
  assert.deepEqual(next.state.scopes, ['openid'], 'the user signs in on the verification page');
});

test('the wizard ends with a public Device Flow client that the schema accepts', () => {
  const state = tv({ auth: 'none' });
  const done = advance(snapshot, secrets, 'security', state, { type: 'next' });
  assert.deepEqual(done.issues, []);
  const input = done.done?.input;
  assert.ok(input);
  assert.deepEqual(input.capabilities, ['device_code']);
  assert.deepEqual(input.redirect_uris, []);
  assert.equal(input.token_endpoint_auth_method, 'none');
  assert.equal(clientSchema.safeParse(input).success, true);
});
