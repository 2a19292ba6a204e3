// `tessera start --workers 2` on SQLite: workers share the port and the file, and a worker killed with SIGKILL is replaced.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import type { UserAgent } from '../fixtures/user-agent.ts';
import {
  assertAlive,
  codeOn,
  freePort,
  get,
  isActiveOn,
  killAll,
  redeemOn,
  refreshOn,
  requestDefaults,
  signUpOn,
  startNode,
  type TesseraNode,
  until,
  workspace,
} from './harness.ts';

// A new connection per request: the primary hands connections to the workers in turn, so the steps of one
// flow (authorize, token, refresh, introspect) land on different workers.
requestDefaults.headers = { connection: 'close' };

/** A worker's death must not leave a client waiting longer than this. */
const ANSWER_MS = 5000;

/** The primary's worker processes (Linux: read from /proc). */
function workersOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return children === '' ? [] : children.split(/\s+/).map(Number);
}

/** GET /health/ready on a socket of its own (no client pool in between): the status, or what went wrong. */
function readyOnNewConnection(): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${server.url}/health/ready`, { agent: false, timeout: ANSWER_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_MS} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** Waits until the worker logged that it listens (info level). */
function listening(pid: number): Promise<boolean> {
  return until(`worker ${pid} listening`, 30_000, async () =>
    new RegExp(`"pid":${pid},.*"msg":"Server listening`).test(server.output()) ? true : undefined,
  );
}

const ws = workspace();
let server: TesseraNode;
let agent: UserAgent;

before(async () => {
  const port = await freePort();
  server = await startNode('cluster', {
    dataDir: ws.dir,
    configFile: ws.configFile,
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    workers: 2,
    // Info level: each worker logs "Server listening" with its pid once it serves.
    logLevel: 'info',
  });
  const pids = await until('two workers', 10_000, async () => {
    const now = workersOf(server.pid);
    return now.length === 2 ? now : undefined;
  });
  for (const pid of pids) await listening(pid);
  agent = await signUpOn(server.url, 'wendy');
});
after(async () => {
  await killAll();
  ws.remove();
});

/** Full code flows through the shared port, several at once; every step must succeed. */
async function flows(count: number): Promise<void> {
  const tokens = await Promise.all(
    Array.from({ length: count }, async () => {
      const res = await redeemOn(server.url, await codeOn(server.url, agent));
      assert.equal(res.status, 200, res.text);
      const refreshed = await refreshOn(server.url, res.json['refresh_token'] as string);
      assert.equal(refreshed.status, 200, refreshed.text);
      return [res.json['access_token'] as string, refreshed.json['access_token'] as string];
    }),
  );
  for (const token of tokens.flat()) assert.ok(await isActiveOn(server.url, token));
}

test('two workers on one SQLite file: every code flow through the shared port succeeds', async (t) => {
  const started = Date.now();
  await flows(12);
  t.diagnostic(`12 flows in ${Date.now() - started} ms`);
  // Whichever worker answers, the primary sums both workers' metrics.
  for (let i = 0; i < 4; i++) {
    const metrics = await get(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    const issued = /^tessera_tokens_issued_total\{grant_type="authorization_code"\} (\d+)$/m.exec(
      metrics.text,
    );
    assert.equal(Number(issued?.[1]), 12, `metrics: ${issued?.[0]}`);
  }
});

/** Waits until the primary has two workers again and the new one logged that it listens; returns its pid. */
async function replacementFor(victim: number, survivor: number): Promise<number> {
  const replacement = await until('a replacement worker', 15_000, async () => {
    assertAlive(server);
    const now = workersOf(server.pid);
    return now.length === 2 && !now.includes(victim) ? now.find((pid) => pid !== survivor) : undefined;
  });
  await listening(replacement);
  return replacement;
}

test('a worker killed with SIGKILL is replaced, and the replacement serves code flows', async () => {
  const [victim, survivor] = workersOf(server.pid) as [number, number];
  process.kill(victim, 'SIGKILL');
  const replacement = await replacementFor(victim, survivor);
  assert.match(server.output(), new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting a replacement`));
  await flows(6);

  // With the old survivor gone too, the replacement serves alone. (Requests wait until the primary has
  // seen the death: connections it hands out before that are the subject of the next test.)
  process.kill(survivor, 'SIGKILL');
  await until('the primary to see the death', 10_000, async () =>
    server.output().includes(`worker ${survivor} exited (SIGKILL)`) ? true : undefined,
  );
  await until('the replacement serving alone', 15_000, async () => {
    const res = await get(`${server.url}/health/ready`, undefined, ANSWER_MS);
    return res.status === 200 ? true : undefined;
  });
  await flows(4);
  await replacementFor(survivor, replacement);
});

test('connections arriving as a worker is SIGKILLed are all answered by the other worker: none is lost or hangs', async () => {
  const lost: string[] = [];
  // A few rounds: the moment a worker dies is a race, and one round may miss it.
  for (let round = 0; round < 3; round++) {
    const [victim, survivor] = workersOf(server.pid) as [number, number];
    // From the moment the signal is sent the victim never runs again, so it cannot take a connection;
    // each of these must reach the survivor.
    process.kill(victim, 'SIGKILL');
    const results = await Promise.all(Array.from({ length: 10 }, () => readyOnNewConnection()));
    lost.push(...results.flatMap((res, i) => (res === 200 ? [] : [`round ${round}, request ${i}: ${res}`])));
    await replacementFor(victim, survivor);
  }
  assert.deepEqual(lost, []);
});
