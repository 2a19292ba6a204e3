// Step-up end to end with openid-client 6: a password login, then acr_values for an MFA policy asks only for
// the TOTP code (enrolled at the first step-up); each ID token's acr and amr are checked by the library's claims.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as client from 'openid-client';
import { codeAt, stepAt } from '../../src/authn/totp/codes.ts';
import { PASSWORD } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const CALLBACK = 'http://localhost/callback';
const MFA = 'urn:example:mfa';
let server: TestServer;
let config: client.Configuration;

before(async () => {
  server = await startServer({
    config: {
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'app-codes', type: 'totp' },
      ],
      policies: [
        { id: 'password', steps: [['username-password']] },
        { id: 'mfa', acr: MFA, steps: [['username-password'], ['app-codes']] },
      ],
      clients: [{ ...wwwClient, authentication_policies: ['password', 'mfa'] }],
    },
  });
  config = await client.discovery(
    new URL(server.issuer),
    'www',
    undefined,
    client.ClientSecretBasic(WWW_SECRET),
    {
      execute: [client.allowInsecureRequests],
    },
  );
});
after(() => server.close());

const key = (page: Response) => unescapeHtml(/id="totp-key">([^<]+)</.exec(page.body)![1]!).replace(/ /g, '');
const now = () => Math.floor(Date.now() / 1000);

/** One code flow through openid-client; `browse` walks the pages from the authorization URL to the callback. */
async function flow(params: Record<string, string>, browse: (url: URL) => Promise<URL>) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  const tokens = await client.authorizationCodeGrant(config, await browse(url), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    idTokenExpected: true,
  });
  return tokens.claims()!;
}

const callbackOf = (response: Response) => {
  assert.equal(response.status, 303, response.body.slice(0, 300));
  return new URL(response.headers.get('location')!);
};

test('password login, then a step-up to MFA asks for the TOTP code only, and the ID tokens say so', async () => {
  const browser = new UserAgent();
  const signUp = await browser.request(`${server.url}/authn/register/html-form/username-password`);
  assert.equal((await browser.submit(signUp, { username: 'alice', password: PASSWORD })).status, 200);

  const first = await flow({}, async (url) => callbackOf(await browser.follow(url.href)));
  assert.equal(first.acr, 'urn:tessera:policy:password');
  assert.deepEqual(first.amr, ['pwd']);

  // First step-up: the account has no TOTP yet, so the policy leads to enrolment, never to the password form.
  let secret = '';
  const enrolled = await flow({ acr_values: MFA }, async (url) => {
    const enrol = await browser.follow(url.href);
    assert.doesNotMatch(enrol.body, /name="password"/);
    secret = key(enrol);
    const saved = await browser.submit(enrol, { code: codeAt(secret, stepAt(now())) });
    const next = unescapeHtml(/class="button" href="([^"]+)"/.exec(saved.body)![1]!);
    return callbackOf(await browser.follow(new URL(next, server.url).href));
  });
  assert.equal(enrolled.acr, MFA);
  assert.deepEqual(enrolled.amr, ['pwd', 'otp', 'mfa']);

  // A new browser: password first (the default policy), then step-up asks for the code and nothing else.
  const laptop = new UserAgent();
  const login = await flow({ login_hint: 'alice' }, async (url) => {
    const page = await laptop.follow(url.href);
    return callbackOf(await laptop.submit(page, { username: 'alice', password: PASSWORD }));
  });
  assert.deepEqual([login.acr, login.amr], ['urn:tessera:policy:password', ['pwd']]);
  const stepped = await flow({ acr_values: MFA }, async (url) => {
    const page = await laptop.follow(url.href);
    assert.match(page.body, /Enter your code/);
    assert.doesNotMatch(page.body, /name="password"/, 'the missing step only');
    // The enrolment's step is spent: use the next one (one step of drift is accepted).
    return callbackOf(await laptop.submit(page, { code: codeAt(secret, stepAt(now()) + 1) }));
  });
  assert.equal(stepped.acr, MFA);
  assert.deepEqual(stepped.amr, ['pwd', 'otp', 'mfa']);
  assert.equal(stepped.auth_time, login.auth_time, 'the same session, stepped up: no new login');
});
