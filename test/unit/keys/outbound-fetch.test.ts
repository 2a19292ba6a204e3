// guardedFetch, the Fetch-shaped request behind the SSRF guard that upstream providers are reached through:
// any method and status, never a redirect followed, the size cap, the deadline, and the address checks.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { guardedFetch, OutboundError, type OutboundSettings } from '../../../src/keys/outbound.ts';

const settings: OutboundSettings = {
  timeout: 1,
  maxBytes: 1024,
  allowLoopback: true,
  allowPrivateNetworks: false,
};
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (req.url) {
        case '/echo':
          res.writeHead(201, {
            'content-type': 'application/json',
            'x-seen': req.headers['authorization'] ?? '',
          });
          res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString() }));
          break;
        case '/moved':
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
          res.end();
          break;
        case '/big':
          res.end('x'.repeat(4096));
          break;
        case '/slow':
          break; // never answers
        default:
          res.writeHead(204);
          res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof OutboundError, `expected an OutboundError, got ${error}`);
  return error.message;
};

test('a POST goes out with its headers and form body; the status and headers come back as they were', async () => {
  const res = await guardedFetch(
    `${base}/echo`,
    { method: 'POST', headers: { authorization: 'Basic abc' }, body: new URLSearchParams({ code: 'c1' }) },
    settings,
  );
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-seen'), 'Basic abc');
  assert.deepEqual(await res.json(), { method: 'POST', body: 'code=c1' });
});

test('a redirect is handed back, never followed', async () => {
  const res = await guardedFetch(`${base}/moved`, {}, settings);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'http://169.254.169.254/latest/meta-data');
});

test('a body without content (204) is an empty response', async () => {
  const res = await guardedFetch(`${base}/nothing`, {}, settings);
  assert.equal(res.status, 204);
  assert.equal(await res.text(), '');
});

test('a body over the cap is abandoned, not truncated', async () => {
  assert.match(await refusal(guardedFetch(`${base}/big`, {}, settings)), /larger than 1024 bytes/);
});

test('an upstream that does not answer is given up after the deadline', async () => {
  assert.match(await refusal(guardedFetch(`${base}/slow`, {}, settings)), /no answer within 1 seconds/);
});

test('the address checks: loopback only when allowed, private and link-local refused, https off loopback', async () => {
  assert.match(
    await refusal(guardedFetch(`${base}/echo`, {}, { ...settings, allowLoopback: false })),
    /loopback/,
  );
  assert.match(await refusal(guardedFetch('https://10.1.2.3/x', {}, settings)), /private address/);
  assert.match(await refusal(guardedFetch('https://169.254.169.254/x', {}, settings)), /link-local/);
  assert.match(await refusal(guardedFetch('http://idp.example.com/x', {}, settings)), /must use https/);
  assert.match(await refusal(guardedFetch('https://user:pw@idp.example.com/x', {}, settings)), /credentials/);
  assert.match(await refusal(guardedFetch('not a url', {}, settings)), /not a URL/);
});

test('a streamed request body is refused rather than sent half', async () => {
  const stream = new ReadableStream();
  assert.match(
    await refusal(guardedFetch(`${base}/echo`, { method: 'POST', body: stream }, settings)),
    /not sent/,
  );
});
