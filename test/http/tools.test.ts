// The flow explorer and request traces over HTTP: admin-only, CSRF-protected, a refused request names its failed check, no secret shown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, addAdmin } from '../fixtures/admin.ts';
import { signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { basic, type Response, UserAgent, unescapeHtml } from '../fixtures/user-agent.ts';

let server: TestServer;
let callbackUrl: string;
before(async () => {
  const port = await freePort();
  callbackUrl = `http://127.0.0.1:${port}/admin/tools/callback`;
  server = await startServer({
    port,
    config: {
      clients: [
        { ...wwwClient, redirect_uris: [...wwwClient.redirect_uris, callbackUrl] },
        {
          client_id: 'spa',
          token_endpoint_auth_method: 'none',
          redirect_uris: [callbackUrl],
          scopes: ['openid'],
        },
      ],
    },
  });
  await addAdmin(server);
});
after(() => server.close());

async function loggedIn(agent = new UserAgent()): Promise<UserAgent> {
  const form = await agent.follow(`${server.url}/admin/login`);
  const done = await agent.submit(form, { username: 'alice', password: ADMIN_PASSWORD });
  assert.match(done.body, /<h1>Profiles<\/h1>/);
  return agent;
}

function composeForm(page: Response): Response {
  const form = /<form[^>]*action="[^"]*\/tools\/run"[^>]*>[\s\S]*?<\/form>/.exec(page.body);
  assert.ok(form, 'the compose form');
  return { ...page, body: form[0] };
}

describe('access', () => {
  test('anonymous requests to the explorer and the traces are sent to the admin login', async () => {
    for (const path of ['/admin/tools', '/admin/tools/traces?id=x', '/admin/tools/callback?state=x']) {
      const response = await new UserAgent().request(server.url + path);
      assert.equal(response.status, 303, path);
      assert.match(response.headers.get('location')!, /\/admin\/login\?next=/);
    }
    const post = await new UserAgent().request(`${server.url}/admin/tools/run`, {
      form: { client_id: 'www' },
    });
    assert.equal(post.status, 303);
  });

  test('a logged-in admin without the CSRF token cannot start a run', async () => {
    const agent = await loggedIn();
    const response = await agent.request(`${server.url}/admin/tools/run`, { form: { client_id: 'www' } });
    assert.equal(response.status, 403);
  });
});

describe('request traces', () => {
  test('a refused token request is found by its request id, names the failed check, and shows no secret', async () => {
    const wrong = 'a-wrong-secret-that-must-never-be-shown';
    const response = await fetch(`${server.url}/oauth/v2/oauth-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('www', wrong) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'abcdefghijklmnopqrstuvwxyz',
        redirect_uri: callbackUrl,
      }),
    });
    assert.equal(response.status, 401);
    const id = response.headers.get('x-request-id');
    assert.ok(id, 'the response names its request id');
    const agent = await loggedIn();
    const page = await agent.request(`${server.url}/admin/tools/traces?id=${encodeURIComponent(id)}`);
    assert.equal(page.status, 200);
    const text = unescapeHtml(page.body);
    assert.match(text, /client_secret_basic/);
    assert.match(text, /<strong>failed<\/strong>: <code>invalid_client<\/code>/);
    assert.match(text, /RFC 6749 §2\.3\.1/);
    assert.ok(!text.includes(wrong), 'the secret is not on the page');
    assert.ok(!text.includes(Buffer.from(`www:${wrong}`).toString('base64')), 'nor the Basic credentials');
    assert.ok(!text.includes('abcdefghijklmnopqrstuvwxyz'), 'the code is cut to a prefix');
    assert.match(text, /abcdef… \(26 chars\)/);
  });

  test('an error page shows the request id, and the id leads to the failed check', async () => {
    const page = await new UserAgent().request(
      `${server.url}/oauth/v2/oauth-authorize?${new URLSearchParams({ response_type: 'code', client_id: 'www', redirect_uri: `${callbackUrl}/` })}`,
    );
    assert.equal(page.status, 400);
    const id = /Request id: <code>([^<]+)<\/code>/.exec(page.body)?.[1];
    assert.ok(id, 'the error page names the request id');
    const agent = await loggedIn();
    const trace = unescapeHtml(
      (await agent.request(`${server.url}/admin/tools/traces?id=${encodeURIComponent(id)}`)).body,
    );
    assert.match(trace, /Check <code>redirect_uri<\/code> failed/);
    assert.match(trace, /trailing slash/);
  });

  test('an unknown request id is a 404 that says why', async () => {
    const agent = await loggedIn();
    const page = await agent.request(`${server.url}/admin/tools/traces?id=nope`);
    assert.equal(page.status, 404);
    assert.match(page.body, /No request with id/);
  });
});

describe('the flow explorer', () => {
  test('a run with a redirect_uri differing in its trailing slash stays in the explorer and says how to fix it', async () => {
    const agent = await loggedIn();
    const page = await agent.request(`${server.url}/admin/tools`);
    const result = await agent.submit(composeForm(page), {
      client_id: 'www',
      redirect_uri: `${callbackUrl}/`,
      scope: 'openid',
    });
    assert.equal(result.status, 400);
    const text = unescapeHtml(result.body);
    assert.match(text, /Check <code>redirect_uri<\/code> failed/);
    assert.match(text, /it has a trailing slash the registered/);
    assert.match(text, /RFC 6749 §3\.1\.2\.3/);
  });

  test('an unknown scope is named, with where to define it', async () => {
    const agent = await loggedIn();
    const page = await agent.request(`${server.url}/admin/tools`);
    const result = await agent.submit(composeForm(page), {
      client_id: 'www',
      redirect_uri: callbackUrl,
      scope: 'openid payments',
    });
    const text = unescapeHtml(result.body);
    assert.match(text, /Check <code>scope<\/code> failed/);
    assert.match(text, /payments is not a scope of this server/);
  });

  test('a public client without PKCE is told to send it', async () => {
    const agent = await loggedIn();
    const page = await agent.request(`${server.url}/admin/tools`);
    const result = await agent.submit(composeForm(page), {
      client_id: 'spa',
      redirect_uri: callbackUrl,
      scope: 'openid',
      pkce: 'off',
    });
    assert.match(unescapeHtml(result.body), /A public client must send PKCE/);
  });

  test('a full run: login, callback with the checks, the code exchanged, the ID token verified, then introspection', async () => {
    const agent = await signUp(server, 'explorer-user');
    await loggedIn(agent);
    const page = await agent.request(`${server.url}/admin/tools`);
    const callback = await agent.submit(composeForm(page), {
      client_id: 'www',
      redirect_uri: callbackUrl,
      scope: 'openid',
    });
    assert.equal(callback.status, 200, callback.body.slice(0, 500));
    let text = unescapeHtml(callback.body);
    assert.match(text, /3\. The authorization response/);
    assert.match(text, /code issued/);
    const exchanged = await agent.submit(
      { ...callback, body: /<form[^>]*\/tools\/exchange"[\s\S]*?<\/form>/.exec(callback.body)![0] },
      { client_secret: WWW_SECRET },
    );
    text = unescapeHtml(exchanged.body);
    assert.match(text, /Token request \(authorization_code\): 200/);
    assert.ok(!text.includes(WWW_SECRET), 'the secret typed in is not shown');
    for (const check of ['signature', 'iss', 'aud', 'azp', 'exp', 'nonce', 'at_hash'])
      assert.match(text, new RegExp(`<code>${check}</code></td><td>ok`), `${check} verified`);
    const introspected = await agent.submit(
      { ...exchanged, body: /<form[^>]*\/tools\/call"[\s\S]*?<\/form>/.exec(exchanged.body)![0] },
      { action: 'introspect', client_secret: WWW_SECRET },
    );
    assert.match(unescapeHtml(introspected.body), /"active": true/);
  });

  test('claims reaches the authorization request as typed, and a claims value that is not a JSON object is refused before anything is sent', async () => {
    const agent = await loggedIn();
    const page = await agent.request(`${server.url}/admin/tools`);
    const bad = await agent.submit(composeForm(page), {
      client_id: 'www',
      scope: 'openid',
      claims: '{"id_token":',
    });
    assert.equal(bad.status, 400);
    assert.match(unescapeHtml(bad.body), /claims must be a JSON object/);
    assert.ok(!bad.body.includes('The authorization request as sent'), 'nothing was sent');

    const claims = '{"id_token":{"email":{"essential":true}}}';
    const user = await signUp(server, 'claims-user');
    await loggedIn(user);
    const callback = await user.submit(composeForm(await user.request(`${server.url}/admin/tools`)), {
      client_id: 'www',
      redirect_uri: callbackUrl,
      scope: 'openid',
      claims,
      ui_locales: 'fr',
      display: 'page',
    });
    assert.equal(callback.status, 200, callback.body.slice(0, 500));
    const text = unescapeHtml(callback.body);
    const sent = /<pre>([^<]*oauth-authorize\?[^<]*)<\/pre>/.exec(text)?.[1];
    assert.ok(sent, 'the request as sent is shown');
    const query = new URL(sent, server.url).searchParams;
    assert.equal(query.get('claims'), claims);
    assert.equal(query.get('ui_locales'), 'fr');
    assert.equal(query.get('display'), 'page');
    assert.ok(
      text.includes(`<dt><code>claims</code></dt><dd><code>${claims}</code></dd>`),
      'the authorize endpoint received it (its trace shows it)',
    );
    assert.match(text, /code issued/);
  });
});
