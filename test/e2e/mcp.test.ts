// The MCP profile end to end: the MCP SDK's own client authorizes against Tessera for an SDK-built MCP server.
// Once with a client ID metadata document (https on loopback, self-signed), once with dynamic registration;
// each with resource (RFC 8707), PKCE S256 and state, then a tool call, then a refresh after the token is revoked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type DocumentServer, json, startDocumentServer } from '../fixtures/https-documents.ts';
import { MemoryProvider } from '../fixtures/mcp-client.ts';
import { type RunningMcpServer, startMcpServer } from '../fixtures/mcp-server.ts';
import { CALLBACK, signUp } from '../fixtures/oidc.ts';
import { freePort, startServer, type TestServer } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const INTROSPECTOR = {
  clientId: 'notes-mcp',
  secret: 'notes-mcp-Secret_Q7x2Lk9Vb4Zt6Np1Rw8Hc3Md5Jf0Gs-Ye7Ua2',
};
const CLIENT_METADATA = {
  client_name: 'Notes Agent',
  redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

let docs: DocumentServer;
let tessera: TestServer;
let mcp: RunningMcpServer;
let user: UserAgent;

before(async () => {
  docs = await startDocumentServer();
  docs.routes.set('/notes-agent.json', (res) =>
    json(
      res,
      { client_id: `${docs.base}/notes-agent.json`, ...CLIENT_METADATA },
      { 'cache-control': 'max-age=300' },
    ),
  );
  const mcpPort = await freePort();
  const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
  tessera = await startServer({
    config: {
      scopes: [{ name: 'notes:read', description: 'Read your notes' }],
      // The MCP server is an API: tokens for it carry its URL as audience; opaque, so it introspects them.
      apis: [{ identifier: mcpUrl, name: 'Notes', scopes: ['notes:read'], access_token_format: 'opaque' }],
      clients: [
        {
          client_id: INTROSPECTOR.clientId,
          secret: INTROSPECTOR.secret,
          capabilities: ['client_credentials'],
          scopes: [],
        },
      ],
      server: {
        client_id_metadata_documents: {
          enabled: true,
          scopes: ['notes:read', 'offline_access'],
          apis: [mcpUrl],
        },
        registration: {
          enabled: true,
          access: 'open',
          scopes: ['notes:read', 'offline_access'],
          apis: [mcpUrl],
        },
        outbound: { ca_files: [docs.caFile] },
      },
    },
  });
  mcp = await startMcpServer({ port: mcpPort, issuer: tessera.issuer, introspection: INTROSPECTOR });
  user = await signUp(tessera, 'mcp-user');
});
after(async () => {
  await mcp?.close();
  await tessera?.close();
  await docs?.close();
});

/** The browser's part: follow the authorization request with the user's session, allow on the consent page. */
async function approve(authorizationUrl: URL): Promise<URLSearchParams> {
  const consent = await user.follow(authorizationUrl.href);
  assert.match(consent.body, /<h1>Allow access\?<\/h1>/, consent.body.slice(0, 300));
  const allowed = await user.submit(consent, { decision: 'allow' });
  const next = new URL(allowed.headers.get('location')!, tessera.url).href;
  const back = next.startsWith(CALLBACK) ? allowed : await user.follow(next);
  const location = new URL(back.headers.get('location')!);
  assert.equal(location.origin + location.pathname, CALLBACK);
  return location.searchParams;
}

async function connect(provider: MemoryProvider): Promise<Client> {
  const client = new Client({ name: 'notes-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }));
  return client;
}

async function authorizeAndCall(provider: MemoryProvider) {
  // The first connect meets a 401, discovers Tessera through RFC 9728 and sends the user to authorize.
  await assert.rejects(connect(provider), /Unauthorized/);
  const request = provider.authorizationUrl!;
  assert.ok(request, 'the SDK started an authorization request');
  assert.equal(
    request.searchParams.get('resource'),
    mcp.url,
    'RFC 8707: the MCP server is named as resource',
  );
  assert.equal(request.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(request.searchParams.get('state'), provider.lastState);
  const answer = await approve(request);
  assert.equal(answer.get('state'), provider.lastState, 'the state comes back unchanged');
  assert.equal(answer.get('iss'), tessera.issuer, 'RFC 9207: the issuer is named in the response');
  const transport = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
  await transport.finishAuth(answer.get('code')!);
  assert.ok(provider.saved?.refresh_token, 'a refresh token was issued');

  const client = new Client({ name: 'notes-agent', version: '1.0.0' });
  await client.connect(transport);
  const first = await client.callTool({ name: 'whoami', arguments: {} });
  assert.deepEqual(first.content, [{ type: 'text', text: 'notes of mcp-user' }]);

  // Revoked: the MCP server's introspection says inactive, the SDK refreshes after the 401 and retries.
  const before = provider.saved!.access_token;
  const refusedBefore = mcp.refused;
  // RFC 7009 §2.1: a public client revokes with its client_id.
  const revoked = await fetch(`${tessera.url}/oauth/v2/oauth-revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: before, client_id: String(provider.information?.client_id) }),
  });
  assert.equal(revoked.status, 200);
  const second = await client.callTool({ name: 'whoami', arguments: {} });
  assert.deepEqual(second.content, [{ type: 'text', text: 'notes of mcp-user' }]);
  assert.equal(mcp.refused, refusedBefore + 1, 'the revoked token was refused once');
  assert.notEqual(provider.saved!.access_token, before, 'a new access token came from the refresh');
  assert.equal(provider.history.length, 2);
  await client.close();
}

describe('the MCP SDK client against Tessera', () => {
  test('with a client ID metadata document: resource, PKCE S256, consent, a tool call and a refresh', async () => {
    const clientId = `${docs.base}/notes-agent.json`;
    const provider = new MemoryProvider(CALLBACK, CLIENT_METADATA, clientId);
    await authorizeAndCall(provider);
    assert.equal(provider.information?.client_id, clientId, 'the document URL was the client_id');
    assert.equal(docs.hits.get('/notes-agent.json'), 1, 'Tessera fetched the document once and kept it');
  });

  test('with dynamic registration: resource, PKCE S256, consent, a tool call and a refresh', async () => {
    const provider = new MemoryProvider(CALLBACK, CLIENT_METADATA);
    await authorizeAndCall(provider);
    assert.ok(provider.information?.client_id, 'the SDK registered a client');
    assert.doesNotMatch(String(provider.information?.client_id), /^https:/);
  });
});
