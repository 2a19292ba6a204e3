// The device verification page follows the client's authentication policy (RFC 8628 §3.3 with step-up):
// a login from the policy's first step, or only the missing step for a session that has the first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { postForm, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, wwwClient } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

let server: TestServer;
let alice: UserAgent;

before(async () => {
  server = await startServer({
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'app-codes', type: 'totp', issuer: 'Example' },
      ],
      policies: [{ id: 'mfa', steps: [['username-password'], ['app-codes']] }],
      clients: [
        wwwClient,
        {
          client_id: 'tv',
          capabilities: ['device_code'],
          token_endpoint_auth_method: 'none',
          authentication_policies: ['mfa'],
        },
      ],
    },
  });
  alice = await signUp(server, 'alice');
});
after(() => server.close());

async function confirmationFor(agent: UserAgent) {
  const res = await postForm(`${server.url}/oauth/v2/oauth-device-authorization`, { client_id: 'tv' });
  assert.equal(res.status, 200, res.text);
  const entry = await agent.request(`${server.url}/device`);
  const form = /name="_csrf" value="([^"]*)"/.exec(entry.body)![1]!;
  const posted = await agent.request(`${server.url}/device`, {
    form: { _csrf: form, user_code: res.json['user_code'] as string },
  });
  assert.equal(posted.status, 303);
  return agent.request(new URL(posted.headers.get('location')!, server.url).href);
}

test('a password-only session is sent to the policy’s missing step, not to a new login', async () => {
  const res = await confirmationFor(alice);
  assert.equal(res.status, 303);
  const location = new URL(res.headers.get('location')!);
  assert.equal(location.pathname, '/authn/continue');
  assert.equal(location.searchParams.get('policy'), 'mfa');
  assert.equal(location.searchParams.get('fresh'), null);
  assert.match(location.searchParams.get('return_to')!, /^\/device\/confirm\?user_code=/);
});

test('without a session the policy starts from its first step', async () => {
  const res = await confirmationFor(new UserAgent());
  assert.equal(res.status, 303);
  const location = new URL(res.headers.get('location')!);
  assert.equal(location.pathname, '/authn/continue');
  assert.equal(location.searchParams.get('fresh'), '1');
});
