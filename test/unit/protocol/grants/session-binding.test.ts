// OIDC Core §11: a grant is bound to the SSO session it was made in unless offline_access was granted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionBinding } from '../../../../src/protocol/grants/session-binding.ts';

test('a grant without offline_access records the session hash; with offline_access it records none', () => {
  const session = { idHash: 'session-hash' };
  assert.equal(sessionBinding(['openid', 'profile'], session), 'session-hash');
  assert.equal(sessionBinding([], session), 'session-hash');
  assert.equal(sessionBinding(['openid', 'offline_access'], session), null);
});
