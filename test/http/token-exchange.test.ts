// Token exchange (RFC 8693) over HTTP: status and body of each outcome, a trusted issuer's jwks_uri, hostile input.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ERROR_TEXT_CHARSET } from '../../src/protocol/errors.ts';
import { basic, introspect, signUp, token, tokensFor } from '../fixtures/oidc.ts';
import { startServer, type TestServer, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';

const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const IDT = 'urn:ietf:params:oauth:token-type:id_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const ORDERS = 'https://orders.example/api';
const WWW = basic('www', WWW_SECRET);
const partner = await generateKeyPair('ES256');
const stranger = await generateKeyPair('ES256');
const partnerJwk = { ...(await exportJWK(partner.publicKey)), kid: 'p1', alg: 'ES256' };

let jwksServer: Server;
let jwksHits = 0;
let partnerIssuer: string;
let server: TestServer;
let agent: UserAgent;

before(async () => {
  jwksServer = createServer((_req, res) => {
    jwksHits++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    res.end(JSON.stringify({ keys: [partnerJwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const port = (jwksServer.address() as AddressInfo).port;
  partnerIssuer = `http://127.0.0.1:${port}/partner`;
  server = await startServer({
    config: {
      scopes: [{ name: 'orders:read' }],
      apis: [{ identifier: ORDERS, scopes: ['orders:read'] }],
      trusted_issuers: [{ issuer: partnerIssuer, jwks_uri: `http://127.0.0.1:${port}/jwks` }],
      clients: [
        {
          ...wwwClient,
          capabilities: ['code', 'token_exchange'],
          scopes: [...wwwClient.scopes, 'orders:read'],
          token_exchange: {
            subject_token_types: ['access_token', 'id_token', 'jwt'],
            audiences: [ORDERS],
            impersonation: true,
            trusted_issuers: [partnerIssuer],
          },
        },
        { ...wwwClient, client_id: 'other' },
      ],
    },
  });
  agent = await signUp(server, 'ann');
});
after(async () => {
  await server.close();
  jwksServer.close();
});

const exchange = (form: Record<string, string>, auth = WWW) =>
  token(server, { grant_type: TE, ...form }, auth);

const partnerJwt = (key = partner.privateKey) =>
  new SignJWT({ sub: 'partner-42', aud: 'www', scope: 'orders:read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'p1' })
    .setIssuer(partnerIssuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

describe('token exchange over HTTP', () => {
  test('discovery lists the grant type while a client has a policy for it', async () => {
    const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    const metadata = (await res.json()) as { grant_types_supported: string[] };
    assert.ok(metadata.grant_types_supported.includes(TE));
  });

  test('200 with issued_token_type, no-store, and a token introspection shows for the API', async () => {
    const ann = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: 'openid orders:read' },
    );
    const res = await exchange({ subject_token: ann.access_token, subject_token_type: AT });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json['issued_token_type'], AT);
    assert.equal(res.json['token_type'], 'bearer');
    assert.equal(res.json['scope'], 'orders:read');
    const info = await introspect(server, res.json['access_token'] as string, WWW);
    assert.equal(info.json['aud'], ORDERS);
    assert.equal(info.json['username'], 'ann');
    const events = await server.tessera.store.audit.list({ types: ['token.exchanged'], limit: 10 });
    assert.equal(events[0]?.clientId, 'www');
    assert.equal(events[0]?.detail?.['mode'], 'impersonation');
    assert.ok(!JSON.stringify(events).includes(ann.access_token), 'no token in the audit log');
  });

  test('an ID token of this server, checked by its real verifier, is a subject token; a tampered one is invalid_request', async () => {
    const ann = await tokensFor(server, agent, { id: 'www', secret: WWW_SECRET }, { scope: 'openid' });
    const ok = await exchange({ subject_token: ann.id_token!, subject_token_type: IDT });
    assert.equal(ok.status, 200, ok.text);
    const forged = await exchange({
      subject_token: `${ann.id_token!.slice(0, -4)}AAAA`,
      subject_token_type: IDT,
    });
    assert.equal(forged.status, 400);
    assert.equal(forged.json['error'], 'invalid_request');
  });

  test('a trusted issuer JWT is verified with keys fetched from its jwks_uri, then cached', async () => {
    const first = await exchange({ subject_token: await partnerJwt(), subject_token_type: JWT });
    assert.equal(first.status, 200, first.text);
    const hits = jwksHits;
    const again = await exchange({ subject_token: await partnerJwt(), subject_token_type: JWT });
    assert.equal(again.status, 200, again.text);
    assert.equal(jwksHits, hits, 'the second exchange reads the cached keys');
    const info = await introspect(server, again.json['access_token'] as string, WWW);
    assert.equal(info.json['sub'], 'partner-42');
  });

  test('a trusted issuer JWT with a bad signature is 400 invalid_request', async () => {
    const res = await exchange({
      subject_token: await partnerJwt(stranger.privateKey),
      subject_token_type: JWT,
    });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_request');
  });

  test('a client without the capability is 400 unauthorized_client', async () => {
    const res = await exchange({ subject_token: 'x', subject_token_type: AT }, basic('other', WWW_SECRET));
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'unauthorized_client');
  });

  test('an API outside the policy is 400 invalid_target', async () => {
    const ann = await tokensFor(
      server,
      agent,
      { id: 'www', secret: WWW_SECRET },
      { scope: 'openid orders:read' },
    );
    const res = await exchange({
      subject_token: ann.access_token,
      subject_token_type: AT,
      audience: 'https://x.example/',
    });
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'invalid_target');
  });

  const hostile: [string, Record<string, string>][] = [
    ['a JWT-shaped garbage subject token', { subject_token: 'a.b.c', subject_token_type: JWT }],
    [
      'a non-JSON JWT payload',
      { subject_token: 'eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln', subject_token_type: JWT },
    ],
    ['a quoted, unicode subject_token_type', { subject_token: 'x', subject_token_type: 'urn:"é"\\type' }],
    ['a 60 KB opaque token', { subject_token: 'A'.repeat(60_000), subject_token_type: AT }],
    ['an ID token that is not a JWS', { subject_token: '{}', subject_token_type: IDT }],
  ];
  for (const [name, form] of hostile) {
    test(`${name}: 400 invalid_request with a description in the RFC 6749 character set`, async () => {
      const res = await exchange(form);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json['error'], 'invalid_request');
      assert.match(res.json['error_description'] as string, ERROR_TEXT_CHARSET);
    });
  }
});
