// The master key rotated under load on two real PostgreSQL nodes: restart with NEW+PREVIOUS one node at a time,
// `tessera master-key rotate`, restart with NEW alone; committed clients authenticate continuously with no failure,
// and a session, a refresh token and a signed form cookie from before still work. A node with the old key refuses.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { SIGNING_ALGS } from '../../src/keys/algorithms.ts';
import { DATA_KEYS } from '../../src/keys/data-keys.ts';
import { PASSWORD } from '../fixtures/oidc.ts';
import { basic, UserAgent } from '../fixtures/user-agent.ts';
import {
  cli,
  codeOn,
  freePort,
  isolatedSchema,
  killAll,
  NEEDS_POSTGRES,
  post,
  redeemOn,
  refreshOn,
  signUpOn,
  sleep,
  spawnTessera,
  TEST_DATABASE_URL,
  type TesseraNode,
  waitReady,
  workspace,
} from './harness.ts';

const SIGNING = SIGNING_ALGS.length;
const DATA = Object.keys(DATA_KEYS).length;
const OLD = randomBytes(32).toString('base64url');
const NEW = randomBytes(32).toString('base64url');
const ws = workspace();
let db = '';
let drop: () => Promise<void> = async () => {};
let baseUrl = '';
const app = { id: 'app', secret: '' };
const hs = { id: 'hs', secret: '' };

const keysEnv = (current: string, previous?: string) => ({
  DATABASE_URL: db,
  TESSERA_MASTER_KEY: current,
  TESSERA_MASTER_KEY_PREVIOUS: previous,
});
const tessera = (args: string[], current: string, previous?: string) =>
  cli([...args, '--config', ws.configFile, '--data', join(ws.dir, 'cli')], keysEnv(current, previous));

/** A node on `port` with these master keys; waits until it is ready. */
async function startWith(
  name: string,
  port: number,
  current: string,
  previous?: string,
): Promise<TesseraNode> {
  const args = ['start', '--config', ws.configFile, '--data', join(ws.dir, name), '--port', String(port)];
  const proc = spawnTessera(name, [...args, '--host', '127.0.0.1', '--base-url', baseUrl], {
    ...keysEnv(current, previous),
    TESSERA_LOG_LEVEL: 'warn',
  });
  const node = Object.assign(proc, { url: `http://127.0.0.1:${port}`, port });
  await waitReady(node, 60_000);
  return node;
}

/** The load balancer: round robin over the nodes in rotation; a node is taken out and drained before it stops. */
class Balancer {
  private next = 0;
  readonly inFlight = new Map<TesseraNode, number>();
  constructor(public rotation: TesseraNode[]) {}
  async send<T>(call: (node: TesseraNode) => Promise<T>): Promise<T> {
    const node = this.rotation[this.next++ % this.rotation.length]!;
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
    try {
      return await call(node);
    } finally {
      this.inFlight.set(node, this.inFlight.get(node)! - 1);
    }
  }
  /** Takes `old` out, waits for its requests, stops it, starts its replacement and puts that in. */
  async replace(old: TesseraNode, start: () => Promise<TesseraNode>): Promise<TesseraNode> {
    this.rotation = this.rotation.filter((n) => n !== old);
    while ((this.inFlight.get(old) ?? 0) > 0) await sleep(10);
    old.signal('SIGTERM');
    const exit = await old.exited;
    assert.equal(exit.code, 0, `${old.name} stopped cleanly:\n${old.output().slice(-2000)}`);
    const fresh = await start();
    this.rotation = [...this.rotation, fresh];
    return fresh;
  }
}

async function jwtAssertion(audience: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(hs.id)
    .setSubject(hs.id)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(hs.secret));
}

before(async () => {
  if (!TEST_DATABASE_URL) return;
  ({ url: db, drop } = await isolatedSchema(TEST_DATABASE_URL));
  baseUrl = `http://127.0.0.1:${await freePort()}`;
  // Committed clients, as an operator makes them: their secret hash and sealed secret live in a revision.
  const created = await tessera(
    ['client', 'create', '--id', app.id, '--capability', 'code', '--capability', 'client_credentials'].concat(
      ['--redirect-uri', 'http://localhost/callback', '--scope', 'openid'],
    ),
    OLD,
  );
  assert.equal(created.code, 0, created.output);
  app.secret = /client_secret:\s+(\S+)/.exec(created.output)![1]!;
  const sealed = await tessera(
    ['client', 'create', '--id', hs.id, '--capability', 'client_credentials', '--scope', 'openid'].concat([
      '--auth',
      'client_secret_jwt',
      '--auth-alg',
      'HS256',
    ]),
    OLD,
  );
  assert.equal(sealed.code, 0, sealed.output);
  hs.secret = /client_secret:\s+(\S+)/.exec(sealed.output)![1]!;
});
after(async () => {
  await killAll();
  await drop();
  ws.remove();
});

test('master-key rotation on two nodes under client_credentials load: no failed client authentication, and what was issued before still works', {
  skip: TEST_DATABASE_URL ? false : NEEDS_POSTGRES,
  timeout: 300_000,
}, async (t) => {
  const ports = [await freePort(), await freePort()];
  const nodes = await Promise.all(ports.map((port, i) => startWith(`node ${i}`, port, OLD)));
  const lb = new Balancer([...nodes]);

  // Before the rotation: an SSO session, a refresh token of the committed client, a form with its signed CSRF cookie.
  const user = await signUpOn(nodes[0]!.url, 'rotating-rita');
  const code = await codeOn(nodes[0]!.url, user, { client_id: app.id });
  const first = await redeemOn(nodes[0]!.url, code, app);
  assert.equal(first.status, 200, first.text);
  const refreshToken = first.json['refresh_token'] as string;
  assert.ok(refreshToken, 'the committed client got a refresh token');
  const visitor = new UserAgent();
  const form = await visitor.request(`${nodes[1]!.url}/authn/register/html-form/username-password`);
  assert.equal(form.status, 200);

  // The load: both committed clients authenticate at the token endpoint, over and over, through the balancer.
  const stats = { basic: 0, jwt: 0, failures: [] as string[] };
  let running = true;
  const lane = async (i: number) => {
    while (running) {
      const viaJwt = i % 2 === 1;
      try {
        const res = await lb.send(async (node) =>
          viaJwt
            ? post(`${node.url}/oauth/v2/oauth-token`, {
                grant_type: 'client_credentials',
                client_id: hs.id,
                client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
                client_assertion: await jwtAssertion(`${baseUrl}/oauth/v2/oauth-anonymous`),
              })
            : post(
                `${node.url}/oauth/v2/oauth-token`,
                { grant_type: 'client_credentials' },
                basic(app.id, app.secret),
              ),
        );
        if (res.status === 200) stats[viaJwt ? 'jwt' : 'basic']++;
        else
          stats.failures.push(
            `${viaJwt ? 'client_secret_jwt' : 'client_secret_basic'}: ${res.status} ${res.text}`,
          );
      } catch (error) {
        stats.failures.push(
          `${viaJwt ? 'client_secret_jwt' : 'client_secret_basic'}: ${(error as Error).message}`,
        );
      }
    }
  };
  const load = Promise.all([0, 1, 2, 3].map(lane));
  const progress = async (what: string) => {
    const before = stats.basic + stats.jwt;
    await sleep(500);
    assert.ok(stats.basic + stats.jwt > before, `clients kept authenticating ${what}`);
  };

  try {
    await progress('before the rotation');
    // 1. Every node, one at a time: the new key as TESSERA_MASTER_KEY, the old one as TESSERA_MASTER_KEY_PREVIOUS.
    for (const i of [0, 1])
      nodes[i] = await lb.replace(nodes[i]!, () => startWith(`node ${i} (overlap)`, ports[i]!, NEW, OLD));
    await progress('during the overlap');

    // 2. Re-encrypt what is under the old key; a second run finds nothing left.
    const rotated = await tessera(['master-key', 'rotate'], NEW, OLD);
    assert.equal(rotated.code, 0, rotated.output);
    assert.match(
      rotated.output,
      new RegExp(
        `re-encrypted under the current master key \\(fingerprint [0-9a-f]{12}\\): ${SIGNING} signing keys, ${DATA} data keys; 0 already under it`,
      ),
    );
    const again = await tessera(['master-key', 'rotate'], NEW, OLD);
    assert.ok(
      again.output.includes(`: 0 signing keys, 0 data keys; ${SIGNING + DATA} already under it`),
      again.output,
    );
    await progress('after the re-encryption');

    // A node that still has only the old key refuses to start, naming what it cannot decrypt; it never serves.
    const stale = spawnTessera(
      'stale node',
      [
        'start',
        '--config',
        ws.configFile,
        '--data',
        join(ws.dir, 'stale'),
        '--port',
        String(await freePort()),
      ],
      { ...keysEnv(OLD), TESSERA_LOG_LEVEL: 'warn' },
    );
    const exit = await stale.exited;
    assert.notEqual(exit.code, 0);
    assert.match(
      stale.output(),
      /error: signing key \w+ kid=[\w-]+, signing key .* and 5 data keys \(admin-setup, client-secret, cookie-signing, dpop-nonce, secret-sealing\) are encrypted under a master key this node does not have \(fingerprint [0-9a-f]{12}\)\. This node has TESSERA_MASTER_KEY \(fingerprint [0-9a-f]{12}\)/,
    );

    // 3. Every node again, with the new key alone.
    for (const i of [0, 1])
      nodes[i] = await lb.replace(nodes[i]!, () => startWith(`node ${i} (new key)`, ports[i]!, NEW));
    await progress('with the new key alone');
  } finally {
    running = false;
    await load;
  }

  t.diagnostic(
    `client_secret_basic ${stats.basic} ok, client_secret_jwt ${stats.jwt} ok, ${stats.failures.length} failed`,
  );
  assert.deepEqual(stats.failures, [], 'no client authentication failed at any point');
  assert.ok(stats.basic > 50 && stats.jwt > 50, `both methods ran: ${JSON.stringify(stats)}`);
  const status = await tessera(['master-key', 'status'], NEW);
  const all = `${SIGNING + DATA} keys: ${SIGNING + DATA} under the current master key, 0 under the previous one, 0 under neither`;
  assert.ok(status.output.includes(all), status.output);

  // What was issued under the old key still works on nodes that never had it.
  const refreshed = await refreshOn(nodes[1]!.url, refreshToken, app);
  assert.equal(refreshed.status, 200, `the refresh token from before: ${refreshed.text}`);
  const again = await codeOn(nodes[0]!.url, user, { client_id: app.id });
  assert.equal((await redeemOn(nodes[0]!.url, again, app)).status, 200, 'the SSO session from before');
  const registered = await visitor.submit(form, { username: 'after-rotation', password: PASSWORD });
  assert.equal(
    registered.status,
    200,
    `the form and its signed CSRF cookie from before: ${registered.body.slice(0, 300)}`,
  );
});
