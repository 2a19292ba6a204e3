// A client's jwks_uri against a real loopback HTTP server: caching, refetch on an unknown kid, the SSRF guard.
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import {
  createClientKeys,
  JWKS_DEFAULT_AGE,
  JWKS_REFETCH_INTERVAL,
  type KeySource,
} from '../../src/keys/client-jwks.ts';
import { type OutboundSettings, outboundSettings } from '../../src/keys/outbound.ts';
import { JWT_BEARER } from '../../src/protocol/client-auth/assertion.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { CALLBACK, codeFor, signUp, token } from '../fixtures/oidc.ts';
import { startServer, type TestServer } from '../fixtures/server.ts';

const first = await generateKeyPair('ES256');
const rotated = await generateKeyPair('ES256');
const jwk = async (pair: { publicKey: CryptoKey }, kid: string): Promise<JWK> => ({
  ...(await exportJWK(pair.publicKey)),
  kid,
  alg: 'ES256',
  use: 'sig',
});
const FIRST = await jwk(first, 'first');
const ROTATED = await jwk(rotated, 'rotated');

/** What /jwks serves now, and how often each path was asked for. */
const served = { keys: [FIRST], cacheControl: undefined as string | undefined, failing: false };
const hits = new Map<string, number>();
const hitsOf = (path: string) => hits.get(path) ?? 0;

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/jwks': (res) => {
    if (served.failing) return void res.writeHead(503).end();
    json(res, { keys: served.keys }, served.cacheControl ? { 'cache-control': served.cacheControl } : {});
  },
  '/big': (res) => json(res, { keys: [FIRST], padding: 'x'.repeat(10_000) }),
  '/big-chunked': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`{"keys":[${JSON.stringify(FIRST)}],"padding":"`);
    for (let i = 0; i < 20; i++) res.write('x'.repeat(1_000));
    res.end('"}');
  },
  '/slow': () => {},
  '/redirect': (res) => {
    res.writeHead(302, { location: '/jwks' });
    res.end();
  },
  '/not-json': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html>');
  },
  '/private': (res) => json(res, { keys: [{ ...FIRST, d: 'secret' }] }),
  '/error': (res) => {
    res.writeHead(500);
    res.end();
  },
};

let jwksServer: Server;
let base: string;
before(async () => {
  jwksServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, hitsOf(path) + 1);
    (ROUTES[path] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
});
after(() => {
  jwksServer.closeAllConnections();
  jwksServer.close();
});
beforeEach(() => {
  served.keys = [FIRST];
  served.cacheControl = undefined;
  served.failing = false;
  hits.clear();
});

const SETTINGS: OutboundSettings = {
  timeout: 0.5,
  maxBytes: 4_096,
  allowLoopback: true,
  allowPrivateNetworks: false,
};
let clients = 0;
/** A fresh cache and a fresh client (a new client_id) for each test. */
function setup(path: string, settings: Partial<OutboundSettings> = {}) {
  const clock = new FixedClock(1_700_000_000);
  const keys = createClientKeys({ outbound: { ...SETTINGS, ...settings }, clock });
  const client: KeySource = {
    client_id: `c${++clients}`,
    jwks: null,
    jwksUri: path.startsWith('http') ? path : base + path,
  };
  const keyFor = (kid: string) => keys.keyFor(client, { alg: 'ES256', kid });
  return { clock, keyFor };
}
const isKey = (value: unknown) => assert.notEqual(typeof value, 'string', String(value));

describe('jwks_uri: HTTP caching', () => {
  test('a fetched set is reused until it goes stale: without Cache-Control, for 5 minutes', async () => {
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    clock.advance(JWKS_DEFAULT_AGE - 1);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 1);
    clock.advance(1);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 2);
  });

  test('Cache-Control max-age is honoured', async () => {
    served.cacheControl = 'public, max-age=120';
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    clock.advance(119);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 1);
    clock.advance(1);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 2);
  });

  test('a max-age below a minute (or no-store) still caches for a minute', async () => {
    served.cacheControl = 'no-store';
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    clock.advance(59);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 1);
  });

  test('a max-age beyond a day is cut to a day', async () => {
    served.cacheControl = 'max-age=31536000';
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    clock.advance(86_400);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 2);
  });

  test('concurrent lookups share one fetch', async () => {
    const { keyFor } = setup('/jwks');
    const found = await Promise.all([keyFor('first'), keyFor('first'), keyFor('first')]);
    for (const key of found) isKey(key);
    assert.equal(hitsOf('/jwks'), 1);
  });

  test('a failed refetch keeps the stale set in use', async () => {
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    served.failing = true;
    clock.advance(JWKS_DEFAULT_AGE);
    isKey(await keyFor('first'));
    assert.equal(hitsOf('/jwks'), 2, 'it did try again');
  });
});

describe('jwks_uri: an unknown kid refetches, at most once a minute', () => {
  test('a rotated-in kid is found once a minute has passed since the last fetch', async () => {
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    served.keys = [FIRST, ROTATED];
    clock.advance(10);
    const early = await keyFor('rotated');
    assert.match(String(early), /no key of the client matches/);
    assert.equal(hitsOf('/jwks'), 1, 'no refetch within the minute');
    clock.advance(JWKS_REFETCH_INTERVAL - 10);
    isKey(await keyFor('rotated'));
    assert.equal(hitsOf('/jwks'), 2);
  });

  test('a stream of unknown kids costs one fetch a minute, not one per request', async () => {
    const { clock, keyFor } = setup('/jwks');
    isKey(await keyFor('first'));
    for (let i = 0; i < 5; i++) {
      clock.advance(JWKS_REFETCH_INTERVAL);
      for (let j = 0; j < 10; j++) assert.equal(typeof (await keyFor(`bogus-${i}-${j}`)), 'string');
    }
    assert.equal(hitsOf('/jwks'), 6);
  });
});

describe('jwks_uri: the outbound guard', () => {
  const refused = async (path: string, says: RegExp, settings: Partial<OutboundSettings> = {}) => {
    const { keyFor } = setup(path, settings);
    const result = await keyFor('first');
    assert.equal(typeof result, 'string', 'no key');
    assert.match(String(result), says);
  };

  test('a body over max_bytes (Content-Length) is refused', () => refused('/big', /larger than 4096 bytes/));
  test('a streamed body over max_bytes is abandoned', () =>
    refused('/big-chunked', /larger than 4096 bytes/));
  test('a server that does not answer is abandoned at the timeout', async () => {
    const started = Date.now();
    await refused('/slow', /no answer within 0.5 seconds/);
    assert.ok(Date.now() - started < 2_000, 'gave up in time');
  });
  test('a redirect is not followed', async () => {
    await refused('/redirect', /HTTP 302: redirects are not followed/);
    assert.equal(hitsOf('/jwks'), 0);
  });
  test('a body that is not JSON is refused', () => refused('/not-json', /not JSON/));
  test('a JWK Set holding a private key is refused', () =>
    refused('/private', /private or symmetric key material/));
  test('an HTTP error is refused', () => refused('/error', /HTTP 500/));

  test('a loopback address is refused unless allowed, and nothing is fetched', async () => {
    await refused('/jwks', /loopback address/, { allowLoopback: false });
    assert.equal(hitsOf('/jwks'), 0);
  });
  test('a name that resolves to loopback is refused too (checked after DNS)', async () => {
    const port = new URL(base).port;
    await refused(`http://localhost:${port}/jwks`, /loopback address/, { allowLoopback: false });
    assert.equal(hitsOf('/jwks'), 0);
  });
  for (const [what, url] of [
    ['an RFC 1918 address', 'https://10.1.2.3/jwks'],
    ['a unique-local IPv6 address', 'https://[fd00::1]/jwks'],
    ['an IPv4-mapped IPv6 private address', 'https://[::ffff:192.168.1.1]/jwks'],
  ] as const) {
    test(`${what} is refused before any connection`, () => refused(url, /private address/));
  }
  for (const url of ['https://169.254.169.254/latest', 'https://[fe80::1]/jwks']) {
    test(`a link-local address (cloud metadata) is refused even where private networks are allowed: ${url}`, () =>
      refused(url, /link-local/, { allowPrivateNetworks: true }));
  }
  test('an unspecified address is always refused', () =>
    refused('https://0.0.0.0/jwks', /unspecified, link-local, multicast or reserved/, {
      allowPrivateNetworks: true,
    }));
  test('plain http to a host that is not loopback is refused', () =>
    refused('http://example.com/jwks', /must use https/));
  test('credentials in the URL are refused', () =>
    refused('https://user:pw@example.com/jwks', /credentials/));

  test('allow_loopback defaults to whether the server itself runs on loopback', () => {
    const outbound = { timeout: 3, max_bytes: 65_536, allow_private_networks: false };
    assert.equal(outboundSettings(outbound, 'http://127.0.0.1:8080').allowLoopback, true);
    assert.equal(outboundSettings(outbound, 'http://localhost:8080').allowLoopback, true);
    assert.equal(outboundSettings(outbound, 'https://id.example.com').allowLoopback, false);
    assert.equal(
      outboundSettings({ ...outbound, allow_loopback: false }, 'http://127.0.0.1').allowLoopback,
      false,
    );
  });
});

describe('jwks_uri through the token endpoint', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      config: {
        clients: [
          {
            client_id: 'signer',
            redirect_uris: [CALLBACK],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: `${base}/jwks`,
            scopes: ['openid'],
          },
        ],
      },
    });
  });
  after(() => server.close());

  test('a private_key_jwt client whose keys sit behind its jwks_uri redeems its code', async () => {
    const agent = await signUp(server, 'jay');
    const code = await codeFor(server, agent, { client_id: 'signer', scope: 'openid' });
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: `jti-${now}` })
      .setProtectedHeader({ alg: 'ES256', kid: 'first' })
      .setIssuer('signer')
      .setSubject('signer')
      .setAudience(`${server.url}/oauth/v2/oauth-token`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(first.privateKey);
    const form = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK };
    const res = await token(server, {
      ...form,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(typeof res.json['access_token'], 'string');
    const again = await token(server, {
      ...form,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    });
    assert.equal(again.status, 401, again.text);
    assert.equal(again.json['error'], 'invalid_client');
    assert.match(String(again.json['error_description']), /already used/);
  });
});
