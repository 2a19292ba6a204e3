// email_verified as a relying party sees it, through openid-client 6: false in the ID token and UserInfo until the
// person uses the link the account page sends (read from a real SMTP server on loopback), true afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as client from 'openid-client';
import { followToCallback, signUp } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';
import { type UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

const CALLBACK = 'http://localhost/callback';
let server: TestServer;
let smtp: SmtpSink;
let browser: UserAgent;
let config: client.Configuration;

before(async () => {
  smtp = await startSmtpSink();
  server = await startServer({ config: { server: { email: { smtp_url: smtp.url } } } });
  browser = await signUp(server, 'mila', { email: 'mila@example.com', name: 'Mila' });
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
after(async () => {
  await server?.close();
  await smtp?.close();
});

/** A code flow for mila's session; the ID token claims and UserInfo as openid-client validated them. */
async function signIn(): Promise<{ idToken: client.IDToken; userinfo: client.UserInfoResponse }> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid email',
    // OIDC Core §5.5: ask for the two claims in the ID token itself too.
    claims: JSON.stringify({ id_token: { email: null, email_verified: null } }),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const tokens = await client.authorizationCodeGrant(config, await followToCallback(browser, server, url), {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims()!;
  return { idToken, userinfo: await client.fetchUserInfo(config, tokens.access_token, idToken.sub) };
}

/** Presses the button of the form whose button says `label` on `page`, as a browser would. */
async function press(page: { body: string; url: string }, label: string) {
  const form = [...page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((f) =>
    f[2]!.includes(`>${label}</button>`),
  );
  assert.ok(form, `a "${label}" button on ${page.url}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g))
    fields[unescapeHtml(input[1]!)] = unescapeHtml(input[2]!);
  return browser.follow(new URL(unescapeHtml(form[1]!), page.url).href, { form: fields });
}

test('a new address is not verified: email_verified is false in the ID token and in UserInfo', async () => {
  const { idToken, userinfo } = await signIn();
  assert.equal(idToken['email'], 'mila@example.com');
  assert.equal(idToken['email_verified'], false);
  assert.equal(userinfo['email'], 'mila@example.com');
  assert.equal(userinfo['email_verified'], false);
});

test('after the link from the account page is used, both say true', async () => {
  const account = await browser.follow(`${server.url}/authn/account`);
  assert.match(account.body, /Not verified/);
  const sent = await press(account, 'Send verification email');
  assert.match(sent.body, /id="email-notice">We sent a link to your email address/);
  const mail = await smtp.waitFor((m) => m.to.includes('mila@example.com'));
  assert.match(mail.text, /^Hello Mila,$/m);
  const page = await browser.follow(mail.links[0]!);
  const done = await press(page, 'Verify email address');
  assert.match(done.url, /\/authn\/account\?email=verified/);
  assert.match(done.body, /id="email-notice">Your email address is verified\./);
  assert.match(done.body, /<span class="tag">Verified<\/span>/);

  const { idToken, userinfo } = await signIn();
  assert.equal(idToken['email_verified'], true);
  assert.equal(userinfo['email_verified'], true);
});

test('changing the address on the profile makes it unverified again and sends a link to the new one', async () => {
  const account = await browser.follow(`${server.url}/authn/account`);
  const form = /<form method="post" action="([^"]*\/profile)"[^>]*>([\s\S]*?)<\/form>/.exec(account.body)!;
  const values: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g))
    values[unescapeHtml(input[1]!)] = unescapeHtml(input[2]!);
  const count = smtp.messages.length;
  const saved = await browser.follow(new URL(unescapeHtml(form[1]!), account.url).href, {
    form: { ...values, email: 'mila@new.example' },
  });
  assert.match(saved.body, /Your profile was saved/);
  assert.match(
    saved.body,
    /<strong>mila@new\.example<\/strong> <span class="tag pending">Not verified<\/span>/,
  );
  const mail = await smtp.waitFor(
    (m) => m.to.includes('mila@new.example') && smtp.messages.indexOf(m) >= count,
  );
  assert.ok(mail.links[0]);
  const { idToken, userinfo } = await signIn();
  assert.equal(idToken['email'], 'mila@new.example');
  assert.equal(idToken['email_verified'], false);
  assert.equal(userinfo['email_verified'], false);
});
