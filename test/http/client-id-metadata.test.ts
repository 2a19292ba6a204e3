// Client ID Metadata Documents over real https on loopback: the code flow, consent, discovery, and every bad document.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type DocumentServer, json, startDocumentServer } from '../fixtures/https-documents.ts';
import { authorizeUrl, CALLBACK, pkce, signUp, token } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

let docs: DocumentServer;
let server: TestServer;
let agent: UserAgent;
const idOf = (path: string) => `${docs.base}${path}`;
const documentFor = (path: string, change: Record<string, unknown> = {}) => ({
  client_id: idOf(path),
  client_name: 'Notes Agent',
  redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  ...change,
});

before(async () => {
  docs = await startDocumentServer();
  const serve = (path: string, change: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    docs.routes.set(path, (res) => json(res, documentFor(path, change), headers));
  serve('/good.json', { scope: 'openid profile' }, { 'cache-control': 'max-age=600' });
  serve('/no-cache.json', {}, { 'cache-control': 'no-store' });
  serve('/other-id.json', { client_id: 'https://elsewhere.example/client.json' });
  serve('/javascript.json', { redirect_uris: ['javascript:alert(document.cookie)'] });
  serve('/secret.json', { client_secret: 'hunter2', token_endpoint_auth_method: 'client_secret_post' });
  docs.routes.set('/huge.json', (res) =>
    json(res, documentFor('/huge.json', { padding: 'x'.repeat(20_000) })),
  );
  docs.routes.set('/slow.json', () => {});
  docs.routes.set('/redirect.json', (res: ServerResponse) => {
    res.writeHead(302, { location: '/good.json' }).end();
  });
  docs.routes.set('/not-json.json', (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('<html>hello</html>');
  });
  server = await startServer({
    config: {
      server: {
        client_id_metadata_documents: {
          enabled: true,
          deny_hosts: ['localhost'],
          scopes: ['openid', 'profile', 'offline_access'],
        },
        outbound: { timeout: 1, ca_files: [docs.caFile] },
      },
    },
  });
  agent = await signUp(server, 'cimd-user');
});
after(async () => {
  await server?.close();
  await docs?.close();
});

function authorize(clientId: string, extra: Record<string, string> = {}) {
  const { challenge } = pkce();
  return agent.request(
    authorizeUrl(server, {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: 'openid profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's1',
      ...extra,
    }),
  );
}

describe('client ID metadata documents', () => {
  test('discovery says client_id_metadata_document_supported while the feature is on, and not when off', async () => {
    const on = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(on.client_id_metadata_document_supported, true);
    const plain = await startServer({});
    try {
      const off = (await (await fetch(`${plain.issuer}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      assert.equal(off.client_id_metadata_document_supported, undefined);
    } finally {
      await plain.close();
    }
  });

  test('a client known only by its document completes the code flow with PKCE after consent that shows its host', async () => {
    const clientId = idOf('/good.json');
    const { verifier, challenge } = pkce();
    const first = await authorize(clientId, { code_challenge: challenge });
    assert.equal(first.status, 303, first.body.slice(0, 300));
    const consentUrl = new URL(first.headers.get('location')!, server.url).href;
    assert.match(consentUrl, /\/authn\/consent/, 'such a client is never pre-trusted: consent is asked');
    const page = await agent.request(consentUrl);
    assert.match(page.body, new RegExp(`An app from <strong>${new URL(docs.base).host}</strong>`));
    assert.match(page.body, /It calls itself <strong>Notes Agent<\/strong>/);
    assert.match(page.body, /role="alert">Warning: this app sends you back only to this computer/);
    const allowed = await agent.submit(page, { decision: 'allow' });
    const next = new URL(allowed.headers.get('location')!, server.url).href;
    const back = next.startsWith(CALLBACK) ? allowed : await agent.follow(next);
    const callback = new URL(back.headers.get('location')!);
    assert.equal(callback.origin + callback.pathname, CALLBACK);
    const code = callback.searchParams.get('code')!;
    const res = await token(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: clientId,
      code_verifier: verifier,
    });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json['access_token']);
    assert.equal(
      docs.hits.get('/good.json'),
      1,
      'the document is fetched once and then kept for its max-age',
    );
  });

  test('a redirect URI the document does not list gets the error page, never a redirect', async () => {
    const res = await authorize(idOf('/good.json'), { redirect_uri: 'https://attacker.example/cb' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  test('no-store is kept for the configured minimum, not refetched on every request', async () => {
    await authorize(idOf('/no-cache.json'));
    await authorize(idOf('/no-cache.json'));
    assert.equal(docs.hits.get('/no-cache.json'), 1);
  });

  const refused: [string, string, RegExp][] = [
    ['huge', '/huge.json', /larger than 5120 bytes/],
    ['slow', '/slow.json', /no answer within 1 seconds/],
    ['redirecting', '/redirect.json', /redirects are not followed/],
    ['not JSON', '/not-json.json', /not JSON/],
    ['naming another client_id', '/other-id.json', /client_id is not the URL/],
    ['with a javascript: redirect URI', '/javascript.json', /javascript scheme is never allowed/],
    ['with a client secret', '/secret.json', /must not contain a client_secret/],
  ];
  for (const [name, path, why] of refused) {
    test(`a document that is ${name} gets a clear error page, no redirect, and is not cached`, async () => {
      const res = await authorize(idOf(path));
      assert.equal(res.status, 400, res.body.slice(0, 300));
      assert.equal(
        res.headers.get('location'),
        null,
        'an untrusted client is never redirected to (RFC 6749 §4.1.2.1)',
      );
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(res.body, /the client_id metadata document cannot be used/);
      assert.match(res.body, why);
      await authorize(idOf(path));
      assert.equal(docs.hits.get(path), 2, 'fetched again: nothing refused was cached');
    });
  }

  const unfetched: [string, string, RegExp][] = [
    ['a fragment', `${'/good.json'}#frag`, /must not contain a fragment/],
    ['a query', '/good.json?v=2', /must not contain a query/],
    ['dot segments', '/a/../good.json', /dot segments|normal form/],
  ];
  for (const [name, suffix, why] of unfetched) {
    test(`a client_id URL with ${name} is refused before anything is fetched`, async () => {
      const before = docs.hits.get('/good.json') ?? 0;
      const res = await authorize(`${docs.base}${suffix}`);
      assert.equal(res.status, 400);
      assert.match(res.body, why);
      assert.equal(docs.hits.get('/good.json') ?? 0, before);
    });
  }

  test('the SSRF guard refuses private and link-local addresses, and a denied host is never asked', async () => {
    const priv = await authorize('https://10.20.30.40/client.json');
    assert.equal(priv.status, 400);
    assert.match(priv.body, /resolves to a private address/);
    const metadata = await authorize('https://169.254.169.254/latest/meta-data');
    assert.match(metadata.body, /link-local/);
    const port = new URL(docs.base).port;
    const denied = await authorize(`https://localhost:${port}/good.json`);
    assert.match(denied.body, /host is not accepted/);
  });

  test('any text after the document host is an error page or a login, never a 5xx or a redirect to the client', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: 'binary' }), async (suffix) => {
        const clientId = `${docs.base}/${suffix}`;
        if (clientId.includes('\0')) return; // stopped at the edge, tested in hostile.test.ts
        const res = await authorize(clientId);
        assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(clientId)}`);
        const location = res.headers.get('location') ?? '';
        assert.ok(!location.startsWith(CALLBACK), `redirected to the client for ${JSON.stringify(clientId)}`);
      }),
      { numRuns: 40, seed: 20_261_202 },
    );
  });

  test('the token endpoint refuses a client_id URL whose document is bad, without a 500', async () => {
    const res = await token(server, {
      grant_type: 'authorization_code',
      code: 'nope',
      redirect_uri: CALLBACK,
      client_id: idOf('/other-id.json'),
      code_verifier: 'x'.repeat(43),
    });
    assert.ok(res.status >= 400 && res.status < 500, res.text);
    assert.match(String(res.json['error_description']), /client_id is not the URL/);
  });
});
