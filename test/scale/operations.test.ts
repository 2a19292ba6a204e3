// The operator's view of one real process: Prometheus metrics, JSON logs that never carry a secret, graceful SIGTERM.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CALLBACK, PASSWORD } from '../fixtures/oidc.ts';
import { wwwClient } from '../fixtures/server.ts';
import { basic, UserAgent } from '../fixtures/user-agent.ts';
import {
  authorizePath,
  codeOn,
  freePort,
  get,
  killAll,
  newSecret,
  post,
  redeemOn,
  refreshOn,
  signUpOn,
  sleep,
  startNode,
  type TesseraNode,
  WWW,
  WWW_AUTH,
  WWW_SECRET,
  workspace,
} from './harness.ts';

/** How long a SIGTERMed node may take to exit once its in-flight requests are answered. */
const EXIT_MS = 5000;
const WRONG_PASSWORD = 'not-the-password-at-all-42';
const POSTER = { id: 'poster', secret: newSecret() };

const ws = workspace({
  clients: [
    wwwClient,
    {
      ...wwwClient,
      client_id: POSTER.id,
      secret: POSTER.secret,
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
});
let node: TesseraNode;
/** Every credential and token value this file produces: none may appear in the logs. */
const secrets = new Set<string>([WWW_SECRET, POSTER.secret, PASSWORD, WRONG_PASSWORD]);
const keep = (...values: unknown[]) => {
  for (const v of values) if (typeof v === 'string' && v.length > 0) secrets.add(v);
};

before(async () => {
  const port = await freePort();
  node = await startNode('node', {
    dataDir: ws.dir,
    configFile: ws.configFile,
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    logLevel: 'info',
  });
});
after(async () => {
  await killAll();
  ws.remove();
});

/** The value of one sample line, e.g. metric('tessera_logins_total{result="success"}'). */
function metric(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('one node at info level, driven through every kind of request', () => {
  const counts = { codeGrants: 0, refreshGrants: 0, tokenOk: 0, tokenBad: 0 };

  before(async () => {
    const agent = await signUpOn(node.url, 'logan');
    keep(...agent.cookies.values());

    // A failed login, then a good one that continues an authorization request.
    const browser = new UserAgent();
    const login = `${node.url}/authn/authenticate/html-form/username-password?${new URLSearchParams({ return_to: authorizePath() })}`;
    const page = await browser.request(login);
    keep(
      ...browser.cookies.values(),
      ...[...page.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]),
    );
    const failed = await browser.submit(page, { username: 'logan', password: WRONG_PASSWORD });
    assert.equal(failed.status, 401);
    const done = await browser.submit(failed, { username: 'logan', password: PASSWORD });
    assert.equal(done.status, 303, done.body.slice(0, 300));
    keep(...browser.cookies.values());
    const loginCode = new URL(done.headers.get('location')!).searchParams.get('code')!;
    keep(loginCode);

    // client_secret_basic and client_secret_post, then refresh, introspection, userinfo, revocation.
    const first = await redeemOn(node.url, loginCode);
    assert.equal(first.status, 200, first.text);
    counts.codeGrants += 1;
    const code2 = await codeOn(node.url, agent, { client_id: POSTER.id });
    const second = await post(`${node.url}/oauth/v2/oauth-token`, {
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: CALLBACK,
      client_id: POSTER.id,
      client_secret: POSTER.secret,
    });
    assert.equal(second.status, 200, second.text);
    counts.codeGrants += 1;
    const refreshed = await refreshOn(node.url, first.json['refresh_token'] as string);
    assert.equal(refreshed.status, 200, refreshed.text);
    counts.refreshGrants += 1;
    for (const r of [first, second, refreshed])
      keep(r.json['access_token'], r.json['refresh_token'], r.json['id_token']);
    keep(code2);
    const access = first.json['access_token'] as string;
    assert.equal(
      (await post(`${node.url}/oauth/v2/oauth-introspect`, { token: access }, WWW_AUTH)).status,
      200,
    );
    const userinfo = await fetch(`${node.url}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: `Bearer ${access}` },
    });
    assert.equal(userinfo.status, 200);
    // RFC 6750 §2.3: a token in the query string must not reach the logs either.
    await fetch(`${node.url}/oauth/v2/oauth-userinfo?access_token=${encodeURIComponent(access)}`);
    assert.equal(
      (
        await post(
          `${node.url}/oauth/v2/oauth-revoke`,
          { token: refreshed.json['access_token'] as string },
          WWW_AUTH,
        )
      ).status,
      200,
    );

    // Failures log their reasons: still no values.
    const replay = await redeemOn(node.url, loginCode);
    assert.equal(replay.status, 400);
    const wrongSecret = await redeemOn(node.url, code2, { id: WWW.id, secret: `${WWW_SECRET}-wrong` });
    assert.equal(wrongSecret.status, 401);
    keep(`${WWW_SECRET}-wrong`);
    const badRefresh = await refreshOn(node.url, second.json['refresh_token'] as string, WWW);
    assert.equal(badRefresh.status, 400, 'a refresh token of another client');
    const revokedUse = await fetch(`${node.url}/oauth/v2/oauth-userinfo`, {
      headers: { authorization: `Bearer ${refreshed.json['access_token'] as string}` },
    });
    assert.equal(revokedUse.status, 401);
    counts.tokenOk = 3;
    counts.tokenBad = 2;
    // A request id from the load balancer is kept in the log lines.
    await fetch(`${node.url}/health/live`, { headers: { 'x-request-id': 'lb-request-7f3a' } });
  });

  test('/metrics: requests by route and status, latency histogram, tokens issued by grant, logins by result', async () => {
    const res = await get(`${node.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const m = res.text;
    const token = 'route="/oauth/v2/oauth-token"';
    assert.equal(
      metric(m, `tessera_http_requests_total{${token},method="POST",status="200"}`),
      counts.tokenOk,
    );
    assert.equal(
      metric(m, `tessera_http_requests_total{${token},method="POST",status="400"}`),
      counts.tokenBad,
    );
    assert.equal(metric(m, `tessera_http_requests_total{${token},method="POST",status="401"}`), 1);
    // Route patterns, never raw URLs: no query strings or ids in label values.
    assert.ok(
      (metric(
        m,
        'tessera_http_requests_total{route="/authn/authenticate/html-form/:id",method="POST",status="401"}',
      ) ?? 0) >= 1,
    );
    assert.equal(metric(m, `tessera_http_request_duration_seconds_count{${token}}`), 6);
    assert.equal(metric(m, `tessera_http_request_duration_seconds_bucket{le="+Inf",${token}}`), 6);
    assert.ok(m.includes(`tessera_http_request_duration_seconds_bucket{le="0.005",${token}}`));
    assert.equal(
      metric(m, 'tessera_tokens_issued_total{grant_type="authorization_code"}'),
      counts.codeGrants,
    );
    assert.equal(metric(m, 'tessera_tokens_issued_total{grant_type="refresh_token"}'), counts.refreshGrants);
    assert.equal(metric(m, 'tessera_logins_total{result="success"}'), 1);
    assert.equal(metric(m, 'tessera_logins_total{result="failure"}'), 1);
    for (const value of secrets) assert.ok(!m.includes(value), 'a secret in the metrics');
  });

  test('logs: JSON lines with request ids, and never a client secret, password, code or token', async () => {
    // A request's line is written when it completes, and reaches this process through a pipe a moment
    // after its response did: wait (bounded) for the last request sent before reading the log.
    for (let i = 0; i < 40 && !node.output().includes('lb-request-7f3a'); i++) await sleep(50);
    const output = node.output();
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.length > 20, `only ${lines.length} log lines`);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(
      entries.some((e) => e['reqId'] === 'lb-request-7f3a'),
      'the X-Request-Id of the proxy',
    );
    assert.ok(
      entries.filter((e) => e['msg'] === 'request completed').every((e) => typeof e['reqId'] === 'string'),
    );
    assert.ok(entries.some((e) => e['msg'] === 'login failed'));
    const leaked = [...secrets].filter((value) => output.includes(value));
    assert.deepEqual(
      leaked.map((v) => `${v.slice(0, 6)}… (${v.length} chars)`),
      [],
      'values that reached the logs',
    );
  });
});

/** Sends a token request in two halves on one raw connection; the second half goes when `release` resolves. */
function slowTokenRequest(
  url: string,
  form: Record<string, string>,
  authorization: string,
  release: Promise<void>,
): Promise<string> {
  const body = new URLSearchParams(form).toString();
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    socket.setEncoding('utf8');
    // Resolves once the whole response is in, and keeps the connection open as a keep-alive client does.
    socket.on('data', (chunk: string) => {
      response += chunk;
      const end = response.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(response)?.[1];
      if (end >= 0 && length !== undefined && Buffer.byteLength(response.slice(end + 4)) >= Number(length))
        resolve(response);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(response));
    socket.on('connect', () => {
      socket.write(
        [
          'POST /oauth/v2/oauth-token HTTP/1.1',
          `host: ${hostname}:${port}`,
          'content-type: application/x-www-form-urlencoded',
          `content-length: ${Buffer.byteLength(body)}`,
          `authorization: ${authorization}`,
          '',
          body.slice(0, 10),
        ].join('\r\n'),
      );
      void release.then(() => socket.write(body.slice(10)));
    });
  });
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });

test('SIGTERM: stops accepting, lets the in-flight token request finish with 200, and exits 0', async () => {
  const agent = await signUpOn(node.url, 'sigrid');
  const code = await codeOn(node.url, agent);
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const response = slowTokenRequest(
    node.url,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
    basic(WWW.id, WWW_SECRET),
    released,
  );
  // The request is on the server, waiting for the rest of its body, when the signal arrives.
  await sleep(300);
  const signalled = Date.now();
  node.signal('SIGTERM');
  await sleep(300);
  assert.equal(node.exit, undefined, 'still running while a request is in flight');
  assert.ok(await refused(node.port), 'new connections are refused once shutdown begins');
  release();

  const text = await response;
  assert.match(text, /^HTTP\/1\.1 200 /, text.slice(0, 300));
  assert.match(text, /"access_token":"[^"]+"/);
  // The client keeps its connection alive, as a load balancer does; shutdown must not wait for it to leave.
  const exit = await Promise.race([node.exited, sleep(EXIT_MS).then(() => undefined)]);
  assert.ok(
    exit,
    `still running ${Date.now() - signalled} ms after SIGTERM, with only idle keep-alive connections`,
  );
  assert.deepEqual(exit, { code: 0, signal: null }, node.output().slice(-2000));
  assert.match(node.output(), /"signal":"SIGTERM","msg":"shutting down"/);
});
