// A revocation that races refreshes wins: once RFC 7009 revocation of a refresh token has answered, no
// access or refresh token issued from that grant is active, however the concurrent refreshes interleaved.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic, isActive, revoke, signUp, token, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const REFRESHES = 20;
let server: TestServer;
let agent: UserAgent;
const auth = basic('static', WWW_SECRET);

before(async () => {
  // Without rotation every refresh presents the same token, so all of them race the one revocation.
  server = await startServer({
    config: { clients: [{ ...wwwClient, client_id: 'static', refresh_token: { rotation: false } }] },
  });
  agent = await signUp(server, 'racer');
});
after(() => server.close());

for (let round = 1; round <= 4; round++) {
  test(`round ${round}: ${REFRESHES} refreshes racing a revocation leave no active token of the grant`, async () => {
    const first = await tokensFor(server, agent, { id: 'static', secret: WWW_SECRET }, { scope: 'openid' });
    const refreshToken = first.refresh_token!;
    const refreshes = Array.from({ length: REFRESHES }, () =>
      token(server, { grant_type: 'refresh_token', refresh_token: refreshToken }, auth),
    );
    const revocation = revoke(server, refreshToken, auth);
    const responses = await Promise.all(refreshes);
    assert.equal((await revocation).status, 200);
    const issued = responses.flatMap((r) => {
      assert.ok(r.status === 200 || r.json['error'] === 'invalid_grant', `${r.status} ${r.text}`);
      return r.status === 200 ? [r.json['access_token'] as string] : [];
    });
    for (const value of [first.access_token, refreshToken, ...issued]) {
      assert.equal(
        await isActive(server, value, auth),
        false,
        'a token of the revoked grant is still active',
      );
    }
  });
}
