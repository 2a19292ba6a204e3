// Real Tessera processes for the scale-out tests: spawn nodes, isolate a PostgreSQL schema, run the code flow over HTTP.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { basic, CALLBACK, PASSWORD } from '../fixtures/oidc.ts';
import { freePort, MASTER_KEY, WWW_SECRET, wwwClient } from '../fixtures/server.ts';
import { UserAgent } from '../fixtures/user-agent.ts';

export { freePort, MASTER_KEY, WWW_SECRET };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'tessera.js');

export const TEST_DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];
export const NEEDS_POSTGRES = 'set TESSERA_TEST_DATABASE_URL to run the multi-node PostgreSQL tests';

export const WWW = { id: 'www', secret: WWW_SECRET };
export const WWW_AUTH = basic(WWW.id, WWW.secret);
/** A client secret as strong as a generated one (the schema rejects weak typed-in secrets). */
export const newSecret = () => randomBytes(48).toString('base64url');
/** Every request a test makes gives up after this long, so a hung server fails the test instead of stalling it. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** The environment a node runs with: the test's own, minus anything that would point it elsewhere. */
function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TESSERA_') || key === 'DATABASE_URL' || key.startsWith('NODE_TEST')) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned `tessera` process (its own process group, so a cluster's workers go with it). */
export class Proc {
  private text = '';
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.text += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.text += chunk;
    });
    this.exited = new Promise((resolveExit) => {
      // 'close', not 'exit': the output is complete by then, down to the last line before a SIGKILL.
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  output(): string {
    return this.text;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exit) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** SIGKILL to the whole group; resolves once the process has exited. */
  async kill(): Promise<Exit> {
    this.signal('SIGKILL');
    return this.exited;
  }
}

const running = new Set<Proc>();
// A test process that dies leaves no server behind.
process.once('exit', () => {
  for (const proc of running) proc.signal('SIGKILL');
});

/** `node <argv>` in the repository root, in a process group of its own. */
export function spawnNode(name: string, argv: string[], env: Record<string, string | undefined>): Proc {
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const proc = new Proc(name, child);
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

export function spawnTessera(name: string, args: string[], env: Record<string, string | undefined>): Proc {
  return spawnNode(name, [BIN, ...args], env);
}

/** Kills every process this file started; for after(). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.kill()));
}

/** Runs a `tessera` CLI command to completion. */
export async function cli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  const proc = spawnTessera(`tessera ${args[0]}`, args, env);
  const exit = await proc.exited;
  return { code: exit.code, output: proc.output() };
}

export interface NodeOptions {
  /** Directory for the node's --data (SQLite file, development key file). */
  dataDir: string;
  configFile: string;
  /** The public base URL (the load balancer's); the same on every node, so the issuer is too. */
  baseUrl: string;
  /** postgres:// URL; SQLite under dataDir when absent. */
  databaseUrl?: string | undefined;
  workers?: number;
  logLevel?: string;
  port?: number;
}

export interface TesseraNode extends Proc {
  url: string;
  port: number;
}

export async function startNode(name: string, options: NodeOptions): Promise<TesseraNode> {
  const port = options.port ?? (await freePort());
  const args = ['start', '--config', options.configFile, '--data', options.dataDir, '--port', String(port)];
  args.push('--host', '127.0.0.1', '--base-url', options.baseUrl);
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  const proc = spawnTessera(name, args, {
    DATABASE_URL: options.databaseUrl,
    TESSERA_MASTER_KEY: MASTER_KEY,
    TESSERA_LOG_LEVEL: options.logLevel ?? 'warn',
  });
  const node = Object.assign(proc, { url: `http://127.0.0.1:${port}`, port });
  await waitReady(node, 45_000);
  return node;
}

/** Polls /health/ready until it answers 200; fails early, with the node's output, if the process exits. */
export async function waitReady(node: TesseraNode, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exit) {
      assert.fail(
        `${node.name} exited (${JSON.stringify(node.exit)}) before it was ready:\n${node.output()}`,
      );
    }
    try {
      const res = await fetch(`${node.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  assert.fail(`${node.name} was not ready within ${timeoutMs} ms:\n${node.output()}`);
}

/** Fails with the node's output when its process has exited. */
export function assertAlive(node: Proc): void {
  if (node.exit)
    assert.fail(`${node.name} exited (${JSON.stringify(node.exit)}):\n${node.output().slice(-4000)}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Calls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      // A failed assertion inside the check (a node died) ends the wait at once.
      if (error instanceof assert.AssertionError) throw error;
      last = error;
    }
    if (Date.now() >= deadline) assert.fail(`${what}: not within ${timeoutMs} ms (${String(last ?? '')})`);
    await sleep(intervalMs);
  }
}

/** A temp directory with a YAML config holding the seed's www client (plus any extra top-level keys). */
export function workspace(extra: Record<string, unknown> = {}): {
  dir: string;
  configFile: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-scale-'));
  const configFile = join(dir, 'tessera.yaml');
  writeFileSync(configFile, stringify({ clients: [wwwClient], ...extra }));
  return { dir, configFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A schema of its own in the test database (dropped by the returned function), and a URL that selects it. */
export async function isolatedSchema(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `tessera_scale_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The same database URL, reached through another host and port (a proxy). */
export function viaPort(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.href;
}

// --- HTTP: the code flow against one node ---------------------------------------------------------------

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
  ms: number;
}

/** Headers every request of this test file sends; `{ connection: 'close' }` makes each request a new connection. */
export const requestDefaults: { headers: Record<string, string> } = { headers: {} };

export async function post(
  url: string,
  form: Record<string, string>,
  authorization?: string,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Reply> {
  const started = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...requestDefaults.headers,
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, headers: res.headers, text, json, ms: Date.now() - started };
}

export async function get(url: string, agent?: UserAgent, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Reply> {
  const started = Date.now();
  const headers: Record<string, string> = { ...requestDefaults.headers };
  if (agent && agent.cookies.size > 0)
    headers['cookie'] = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, headers: res.headers, text, json, ms: Date.now() - started };
}

/** Registers an account through the form on `nodeUrl`; the returned browser holds the SSO cookie. */
export async function signUpOn(nodeUrl: string, username: string): Promise<UserAgent> {
  const agent = new UserAgent();
  const page = await agent.request(`${nodeUrl}/authn/register/html-form/username-password`);
  const done = await agent.submit(page, { username, password: PASSWORD });
  assert.equal(
    done.status,
    200,
    `registration of ${username} on ${nodeUrl} failed: ${done.body.slice(0, 300)}`,
  );
  assert.ok(agent.cookies.get('tessera_sso'), 'registration starts an SSO session');
  return agent;
}

export function authorizePath(params: Record<string, string> = {}): string {
  return `/oauth/v2/oauth-authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: WWW.id,
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'scale',
    ...params,
  })}`;
}

/** An authorization request on `nodeUrl` by a browser with a session: the code from the 303 to the client. */
export async function codeOn(
  nodeUrl: string,
  agent: UserAgent,
  params: Record<string, string> = {},
): Promise<string> {
  const res = await get(nodeUrl + authorizePath(params), agent);
  assert.equal(res.status, 303, `authorize on ${nodeUrl}: ${res.status} ${res.text.slice(0, 200)}`);
  const location = new URL(res.headers.get('location')!);
  assert.equal(
    location.href.split('?')[0],
    params['redirect_uri'] ?? CALLBACK,
    `redirected to ${location.href}`,
  );
  const code = location.searchParams.get('code');
  assert.ok(code, `no code in ${location.href}`);
  return code;
}

export function redeemOn(nodeUrl: string, code: string, client = WWW): Promise<Reply> {
  return post(
    `${nodeUrl}/oauth/v2/oauth-token`,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
    basic(client.id, client.secret),
  );
}

export function refreshOn(nodeUrl: string, refreshToken: string, client = WWW): Promise<Reply> {
  return post(
    `${nodeUrl}/oauth/v2/oauth-token`,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    basic(client.id, client.secret),
  );
}

export async function isActiveOn(nodeUrl: string, value: string, client = WWW): Promise<boolean> {
  const res = await post(
    `${nodeUrl}/oauth/v2/oauth-introspect`,
    { token: value },
    basic(client.id, client.secret),
  );
  assert.equal(res.status, 200, `introspection on ${nodeUrl}: ${res.text}`);
  return res.json['active'] === true;
}

/** Runs `worker` on `concurrency` lanes until `total` jobs have started or `deadline` (epoch ms) passes. */
export async function lanes(
  concurrency: number,
  total: number,
  deadline: number,
  worker: (job: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < total && Date.now() < deadline) await worker(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return next;
}
