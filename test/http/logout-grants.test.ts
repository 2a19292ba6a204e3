// Ending an SSO session ends the grants made in it without offline_access (OpenID Connect Core §11).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findForm, isActive, signUp, token, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { basic, type UserAgent } from '../fixtures/user-agent.ts';

const WWW = { id: 'www', secret: WWW_SECRET };
const auth = basic('www', WWW_SECRET);
let server: TestServer;

before(async () => {
  // offline_access is a standard scope, but a client may only ask for the scopes it lists.
  server = await startServer({
    config: { clients: [{ ...wwwClient, scopes: [...wwwClient.scopes, 'offline_access'] }] },
  });
});
after(() => server.close());

const refresh = (value: string) => token(server, { grant_type: 'refresh_token', refresh_token: value }, auth);
const logoutUrl = (params: Record<string, string>) =>
  `${server.url}/oauth/v2/oauth-session/logout?${new URLSearchParams(params)}`;

/** One session holding a grant without offline_access and one with it. */
async function twoGrants(username: string) {
  const agent = await signUp(server, username);
  const online = await tokensFor(server, agent, WWW, { scope: 'openid profile' });
  const offline = await tokensFor(server, agent, WWW, { scope: 'openid offline_access' });
  assert.ok(online.refresh_token && offline.refresh_token, 'both grants have refresh tokens');
  return { agent, online, offline };
}

async function assertOnlyOfflineSurvives(grants: Awaited<ReturnType<typeof twoGrants>>) {
  const { online, offline } = grants;
  const refused = await refresh(online.refresh_token!);
  assert.equal(refused.status, 400, refused.text);
  assert.equal(refused.json['error'], 'invalid_grant');
  assert.equal(await isActive(server, online.access_token, auth), false, 'its access token ends too');
  const refreshed = await refresh(offline.refresh_token!);
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.equal(await isActive(server, offline.access_token, auth), true, 'the offline grant is untouched');
}

test('RP-initiated logout: the session grant refresh token is invalid_grant, the offline_access one still refreshes', async () => {
  const grants = await twoGrants('lg-rp');
  const res = await grants.agent.request(logoutUrl({ id_token_hint: grants.online.id_token! }));
  assert.equal(res.status, 200, res.body.slice(0, 300));
  await assertOnlyOfflineSurvives(grants);
});

test('logging out on the account page ends the session grants the same way', async () => {
  const grants = await twoGrants('lg-account');
  const agent: UserAgent = grants.agent;
  const account = await agent.request(`${server.url}/authn/account`);
  const form = findForm(account, /\/logout$/);
  const res = await agent.follow(form.action, { form: form.fields });
  assert.match(res.body, /You are logged out/);
  await assertOnlyOfflineSurvives(grants);
});

test('a logout in another browser leaves this session grants alone', async () => {
  const mine = await twoGrants('lg-mine');
  const other = await signUp(server, 'lg-other');
  const theirs = await tokensFor(server, other, WWW, { scope: 'openid' });
  await other.request(logoutUrl({ id_token_hint: theirs.id_token! }));
  const still = await refresh(mine.online.refresh_token!);
  assert.equal(still.status, 200, still.text);
});
