// Passkeys in policies at commit: either step when passwordless, only a later step (and never a client's
// authenticator) when passwordless is off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSnapshot } from '../../../src/config/validate.ts';

const client = (extra: Record<string, unknown> = {}) => ({
  client_id: 'c',
  redirect_uris: ['https://c.example/cb'],
  secret_hash: 'h',
  ...extra,
});
const issues = (passwordless: boolean, extra: Record<string, unknown>) => {
  const result = validateSnapshot({
    authenticators: [
      { id: 'username-password', type: 'html-form' },
      { id: 'keys', type: 'passkey', passwordless },
    ],
    clients: [],
    ...extra,
  });
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
};

test('a passwordless passkey may stand in the first step, alone or beside a password, and in a later one', () => {
  const policies = [
    { id: 'alone', steps: [['keys']] },
    { id: 'either', steps: [['username-password', 'keys']] },
    { id: 'after', steps: [['username-password'], ['keys']] },
  ];
  assert.deepEqual(issues(true, { policies, clients: [client({ authenticator: 'keys' })] }), []);
});

test('with passwordless off: a first step or a client authenticator naming it is refused with its path', () => {
  assert.deepEqual(
    issues(false, { policies: [{ id: 'after', steps: [['username-password'], ['keys']] }] }),
    [],
  );
  assert.deepEqual(issues(false, { policies: [{ id: 'p', steps: [['username-password', 'keys']] }] }), [
    'policies[0].steps[0][1]: "keys" has passwordless off: it can only be a later step, after a password',
  ]);
  assert.deepEqual(issues(false, { clients: [client({ authenticator: 'keys' })] }), [
    'clients[0].authenticator: "keys" has passwordless off: name it in a policy\'s later step instead',
  ]);
});
