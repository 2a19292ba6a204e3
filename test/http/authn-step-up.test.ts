// Authentication policies over HTTP: step-up by acr_values asks only for the missing TOTP step (enrolling it
// first), ID tokens carry the policy's acr and RFC 8176 amr, and the OIDC errors for requests not met.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import {
  authorizeUrl,
  basic,
  CALLBACK,
  callback,
  claimsOf,
  logIn,
  signUp,
  token,
  tokensFor,
} from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const MFA = 'urn:example:mfa';
const PWD = 'urn:tessera:policy:password';
const BANK = { id: 'bank', secret: WWW_SECRET };
const clock = new FixedClock(Math.floor(Date.now() / 1000));
let server: TestServer;

before(async () => {
  server = await startServer({
    clock,
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'app-codes', type: 'totp', issuer: 'Example Bank' },
      ],
      policies: [
        { id: 'password', steps: [['username-password']] },
        { id: 'mfa', name: 'Password and app code', acr: MFA, steps: [['username-password'], ['app-codes']] },
        {
          id: 'locked',
          acr: 'urn:example:locked',
          steps: [['username-password'], ['app-codes']],
          enrol: false,
        },
      ],
      clients: [
        wwwClient,
        { ...wwwClient, client_id: 'bank', authentication_policies: ['password', 'mfa'] },
        { ...wwwClient, client_id: 'strict', authentication_policies: ['locked'] },
      ],
    },
  });
});
after(() => server.close());

const authorize = (params: Record<string, string>, client = 'bank') =>
  authorizeUrl(server, {
    response_type: 'code',
    client_id: client,
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'st',
    ...params,
  });

const keyOf = (page: Response) =>
  unescapeHtml(/id="totp-key">([^<]+)</.exec(page.body)![1]!).replace(/ /g, '');
const nowCode = (key: string, offset = 0) => codeAt(key, stepAt(clock.nowSeconds()) + offset);

async function redeem(code: string, client = BANK) {
  const res = await token(
    server,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
    basic(client.id, client.secret),
  );
  assert.equal(res.status, 200, res.text);
  return res.json as { id_token: string; refresh_token?: string };
}

/** Signs up, then steps up to MFA, enrolling TOTP on the way; returns the agent, the key and its recovery codes. */
async function enrolled(username: string) {
  const agent = await signUp(server, username);
  const enrol = await agent.follow(authorize({ acr_values: MFA }));
  assert.equal(enrol.status, 200, enrol.body.slice(0, 300));
  assert.match(enrol.body, /Set up an authenticator app/);
  const key = keyOf(enrol);
  const saved = await agent.submit(enrol, { code: nowCode(key) });
  assert.equal(saved.status, 200, saved.body.slice(0, 300));
  const codes = [...saved.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  const next = unescapeHtml(/class="button" href="([^"]+)"/.exec(saved.body)![1]!);
  const done = await agent.follow(new URL(next, server.url).href);
  return { agent, key, codes, done };
}

describe('step-up to a TOTP policy', () => {
  test('the default policy issues its own acr and amr pwd; asking for MFA enrols TOTP and asks for no password', async () => {
    const agent = await signUp(server, 'alice');
    const first = claimsOf((await tokensFor(server, agent, BANK, { scope: 'openid' })).id_token!);
    assert.equal(first.acr, PWD);
    assert.deepEqual(first.amr, ['pwd']);

    const enrol = await agent.follow(authorize({ acr_values: MFA }));
    assert.doesNotMatch(enrol.body, /name="password"/, 'no new login: only the missing step');
    assert.match(enrol.body, /<svg/, 'a QR code, inline');
    const key = keyOf(enrol);
    assert.match(key, /^[A-Z2-7]{32}$/, 'the key as Base32 text');
    const saved = await agent.submit(enrol, { code: nowCode(key) });
    const codes = [...saved.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(codes.length, 10, 'ten recovery codes, shown once');
    const next = unescapeHtml(/class="button" href="([^"]+)"/.exec(saved.body)![1]!);
    const ids = claimsOf(
      (await redeem(callback(await agent.follow(new URL(next, server.url).href)).get('code')!)).id_token,
    );
    assert.equal(ids.acr, MFA);
    assert.deepEqual(ids.amr, ['pwd', 'otp', 'mfa'], 'RFC 8176: pwd, otp, and mfa for two kinds');
  });

  test('a later password-only session asks for the code only; the same step is refused twice, the next accepted', async () => {
    const { key } = await enrolled('bob');
    const agent = new UserAgent();
    const login = await agent.follow(authorize({ acr_values: MFA }));
    const verify = await logIn(agent, login, 'bob');
    assert.equal(verify.status, 200);
    assert.match(verify.body, /Enter your code/);
    const reused = await agent.submit(verify, { code: nowCode(key) });
    assert.equal(reused.status, 401, 'the code used at enrolment is spent');
    assert.match(reused.body, /That code is not valid/);
    clock.advance(30);
    const params = callback(await agent.submit(reused, { code: nowCode(key) }));
    const claims = claimsOf((await redeem(params.get('code')!)).id_token);
    assert.deepEqual([claims.acr, claims.amr], [MFA, ['pwd', 'otp', 'mfa']]);
  });

  test('one step of drift is accepted either way, two are not', async () => {
    const { key } = await enrolled('carol');
    const agent = new UserAgent();
    const verify = await logIn(agent, await agent.follow(authorize({ acr_values: MFA })), 'carol');
    assert.equal((await agent.submit(verify, { code: nowCode(key, 2) })).status, 401);
    assert.equal((await agent.submit(verify, { code: nowCode(key, -2) })).status, 401);
    clock.advance(90);
    assert.equal((await agent.submit(verify, { code: nowCode(key, 1) })).status, 303);
  });

  test('a recovery code works once in place of a code', async () => {
    const { codes } = await enrolled('dave');
    const use = async () => {
      const agent = new UserAgent();
      const verify = await logIn(agent, await agent.follow(authorize({ acr_values: MFA })), 'dave');
      return agent.submit(verify, { code: codes[3]!.toUpperCase() });
    };
    assert.equal((await use()).status, 303);
    const again = await use();
    assert.equal(again.status, 401, 'spent');
    assert.match(again.body, /That code is not valid/);
  });

  test('malformed codes get the same clear error page, never a 500, and nothing is stored', async () => {
    const agent = await signUp(server, 'erin');
    const enrol = await agent.follow(authorize({ acr_values: MFA }));
    for (const code of ['', 'abc', '12345', '1234567', '１２３４５６', 'x'.repeat(500), '123456\u200b']) {
      const page = await agent.submit(enrol, { code });
      assert.equal(page.status, 400, `${JSON.stringify(code)}: ${page.status}`);
      assert.match(page.body, /That code is not valid/);
    }
    const nul = await agent.submit(enrol, { code: '\u0000123456' });
    assert.equal(nul.status, 400, 'a NUL byte is stopped at the edge');
    const account = await server.tessera.store.accounts.findByUsername('erin');
    assert.equal((await server.tessera.store.totp.find(account!.id))?.confirmedAt, null, 'still pending');
  });
});

describe('requests a session cannot meet', () => {
  test('prompt=none with a password-only session asking for MFA is login_required', async () => {
    const agent = await signUp(server, 'frank');
    const params = callback(await agent.request(authorize({ acr_values: MFA, prompt: 'none' })));
    assert.equal(params.get('error'), 'login_required');
  });

  test('an essential acr the client has no policy for is unmet_authentication_requirements', async () => {
    const agent = await signUp(server, 'grace');
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:nope'] } } });
    const params = callback(await agent.request(authorize({ claims })));
    assert.equal(params.get('error'), 'unmet_authentication_requirements');
    assert.equal(params.get('state'), 'st');
  });

  test('an essential acr the client has picks that policy, like acr_values', async () => {
    const { agent } = await enrolled('heidi');
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [MFA] } } });
    const params = callback(await agent.request(authorize({ claims })));
    assert.equal(claimsOf((await redeem(params.get('code')!)).id_token).acr, MFA);
  });

  test('an unknown voluntary acr falls back to the default policy', async () => {
    const agent = await signUp(server, 'ivan');
    const params = callback(await agent.request(authorize({ acr_values: 'urn:nope' })));
    assert.equal(claimsOf((await redeem(params.get('code')!)).id_token).acr, PWD);
  });

  test('max_age=0 forces a full login even with every factor; the new session then needs the code again', async () => {
    const { agent, key } = await enrolled('judy');
    clock.advance(1);
    const login = await agent.follow(authorize({ acr_values: MFA, max_age: '0' }));
    assert.match(login.body, /<h1>Log in<\/h1>/);
    const verify = await logIn(agent, login, 'judy');
    assert.match(verify.body, /Enter your code/);
    clock.advance(30);
    assert.ok(callback(await agent.submit(verify, { code: nowCode(key) })).get('code'));
  });

  test('a policy without enrolment refuses a user with no TOTP, saying why', async () => {
    const agent = await signUp(server, 'kim');
    const page = await agent.follow(authorize({}, 'strict'));
    assert.equal(page.status, 403);
    assert.match(page.body, /a code from your authenticator app/);
  });
});

test('discovery lists every policy acr and the implicit one; refreshed ID tokens keep amr', async () => {
  const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    string[]
  >;
  for (const acr of [PWD, MFA, 'urn:tessera:authentication:html-form:username-password'])
    assert.ok(meta['acr_values_supported']!.includes(acr), acr);
  assert.ok(
    !meta['acr_values_supported']!.some((v) => v.includes('totp')),
    'a second factor alone is no level',
  );
  assert.ok(meta['claims_supported']!.includes('amr'));
  const { agent } = await enrolled('liam');
  const tokens = await redeem(callback(await agent.request(authorize({ acr_values: MFA }))).get('code')!);
  assert.ok(tokens.refresh_token);
  const refreshed = await token(
    server,
    { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
    basic('bank', WWW_SECRET),
  );
  assert.equal(refreshed.status, 200, refreshed.text);
  const claims = claimsOf((refreshed.json as { id_token: string }).id_token);
  assert.deepEqual([claims.acr, claims.amr], [MFA, ['pwd', 'otp', 'mfa']]);
});
