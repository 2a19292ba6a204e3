// PostgreSQL away during a load run (a proxy in between is cut): nodes say not-ready, answer a quick clean 503, and recover alone.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAlive,
  authorizePath,
  codeOn,
  freePort,
  get,
  isActiveOn,
  isolatedSchema,
  killAll,
  NEEDS_POSTGRES,
  post,
  type Reply,
  redeemOn,
  signUpOn,
  sleep,
  startNode,
  TEST_DATABASE_URL,
  type TesseraNode,
  until,
  viaPort,
  WWW_AUTH,
  workspace,
} from './harness.ts';
import { TcpProxy } from './tcp-proxy.ts';

/** What "quickly" means: the pool's connect timeout is 3 s; a request must never wait for the client to give up. */
const QUICK_MS = 5000;
const LANES = 4;
const MAX_REQUESTS = 4000;

interface Sample {
  what: string;
  status: number;
  ms: number;
  detail: string;
}

function databaseAway(databaseUrl: string): void {
  let nodes: TesseraNode[] = [];
  let schema: Awaited<ReturnType<typeof isolatedSchema>> | undefined;
  let proxy: TcpProxy | undefined;
  const ws = workspace();

  before(async () => {
    schema = await isolatedSchema(databaseUrl);
    const target = new URL(databaseUrl);
    proxy = new TcpProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    nodes = await Promise.all(
      ['a', 'b'].map((name) =>
        startNode(`node ${name}`, {
          dataDir: join(ws.dir, name),
          configFile: ws.configFile,
          baseUrl,
          databaseUrl: viaPort(schema!.url, proxy!.port),
        }),
      ),
    );
  });
  after(async () => {
    await killAll();
    await proxy?.stop();
    await schema?.drop();
    ws.remove();
  });

  test('PostgreSQL away mid-load: not ready, quick clean 503 temporarily_unavailable, never a 500; back by itself', async (t) => {
    const [a, b] = nodes as [TesseraNode, TesseraNode];
    const agent = await signUpOn(a.url, 'olga');
    // Issued before the outage, redeemed after it: the failed attempts in between must not use it up.
    const pending = await codeOn(b.url, agent);
    const before = await redeemOn(a.url, await codeOn(a.url, agent));
    assert.equal(before.status, 200, before.text);

    // The load: code flows across both nodes, every answer recorded with its latency.
    const samples: Sample[] = [];
    let down = false;
    let stopped = false;
    let sent = 0;
    const record = async (what: string, request: () => Promise<Reply>): Promise<Reply | undefined> => {
      const started = Date.now();
      sent += 1;
      try {
        const res = await request();
        samples.push({ what, status: res.status, ms: res.ms, detail: res.text.slice(0, 200) });
        return res;
      } catch (error) {
        samples.push({ what, status: 0, ms: Date.now() - started, detail: String(error) });
        return undefined;
      }
    };
    const lane = async (n: number) => {
      for (let i = n; !stopped && sent < MAX_REQUESTS; i += LANES) {
        const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
        const authorized = await record('authorize', () => get(from.url + authorizePath(), agent));
        const code =
          authorized?.status === 303 && new URL(authorized.headers.get('location')!).searchParams.get('code');
        if (code) await record('token', () => redeemOn(to.url, code));
        else await record('token', () => redeemOn(to.url, 'made-up-code'));
        // While the database is away answers come fast; don't spin.
        if (down) await sleep(20);
      }
    };
    const load = Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)));
    const loadDeadline = setTimeout(() => {
      stopped = true;
    }, 40_000);

    try {
      await until('some flows before the outage', 10_000, async () =>
        samples.filter((s) => s.what === 'token' && s.status === 200).length >= 10 ? true : undefined,
      );

      down = true;
      await proxy!.stop();
      const wentAway = Date.now();

      for (const n of nodes) {
        await until(`${n.name} not ready`, QUICK_MS, async () => {
          assertAlive(n);
          return (await get(`${n.url}/health/ready`)).status === 503 ? true : undefined;
        });
        const ready = await get(`${n.url}/health/ready`);
        assert.equal(ready.status, 503);
        assert.ok(ready.ms < QUICK_MS, `readiness took ${ready.ms} ms`);
        assert.equal((await get(`${n.url}/health/live`)).status, 200, 'the process itself is alive');

        const token = await redeemOn(n.url, pending);
        assert.equal(token.status, 503, token.text);
        assert.equal(token.json['error'], 'temporarily_unavailable');
        assert.ok(token.headers.get('retry-after'), 'Retry-After tells the client when to come back');
        assert.ok(token.ms < QUICK_MS, `token request took ${token.ms} ms`);
        assert.doesNotMatch(token.text, /ECONNREFUSED|postgres|5432|terminated/i, 'no internals on the wire');

        const introspection = await post(`${n.url}/oauth/v2/oauth-introspect`, { token: 'x' }, WWW_AUTH);
        assert.equal(introspection.status, 503, introspection.text);
        assert.ok(introspection.ms < QUICK_MS);

        // The authorization endpoint: a 503 page, or the RFC 6749 §4.1.2.1 error redirect to the client.
        const authorize = await get(n.url + authorizePath(), agent);
        assert.ok(authorize.ms < QUICK_MS, `authorize took ${authorize.ms} ms`);
        if (authorize.status === 303) {
          const location = new URL(authorize.headers.get('location')!);
          assert.equal(location.searchParams.get('error'), 'temporarily_unavailable', location.href);
        } else {
          assert.equal(authorize.status, 503, authorize.text.slice(0, 300));
        }
      }
      t.diagnostic(`both nodes not ready ${Date.now() - wentAway} ms after the database went away`);
      await sleep(1500);

      down = false;
      await proxy!.start();
      const cameBack = Date.now();
      for (const n of nodes) {
        await until(`${n.name} ready again`, 10_000, async () => {
          assertAlive(n);
          return (await get(`${n.url}/health/ready`)).status === 200 ? true : undefined;
        });
      }
      t.diagnostic(`both nodes ready ${Date.now() - cameBack} ms after the database came back`);

      const redeemed = await redeemOn(a.url, pending);
      assert.equal(redeemed.status, 200, `the code issued before the outage: ${redeemed.text}`);
      assert.ok(await isActiveOn(b.url, redeemed.json['access_token'] as string));
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const res = await redeemOn(y.url, await codeOn(x.url, agent));
        assert.equal(res.status, 200, res.text);
      }
      assert.ok(
        await isActiveOn(a.url, before.json['access_token'] as string),
        'tokens from before the outage',
      );

      const afterCount = samples.length;
      await until('load flows after recovery', 10_000, async () =>
        samples.slice(afterCount).some((s) => s.what === 'token' && s.status === 200) ? true : undefined,
      );
    } finally {
      stopped = true;
      clearTimeout(loadDeadline);
      await load;
    }

    const count = (status: number) => samples.filter((s) => s.status === status).length;
    t.diagnostic(
      `${samples.length} requests: ${count(200)} x 200, ${count(303)} x 303, ${count(400)} x 400, ${count(503)} x 503`,
    );
    const bad = samples.filter(
      (s) =>
        ![200, 303, 400, 503].includes(s.status) ||
        s.ms >= QUICK_MS ||
        (s.status === 400 && s.what !== 'token'),
    );
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} requests failed badly or slowly`);
    assert.ok(count(503) > 0, 'the load ran through the outage');
    for (const n of nodes) assertAlive(n);
  });
}

if (TEST_DATABASE_URL) {
  databaseAway(TEST_DATABASE_URL);
} else {
  test('PostgreSQL away during a load run', { skip: NEEDS_POSTGRES }, () => {});
}
