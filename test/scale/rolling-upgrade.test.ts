// A rolling upgrade of three nodes on one PostgreSQL under load: no failed request, every serving node ready
// throughout; a breaking migration takes the old nodes out with the reason, and an old node refuses to start.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NODE_SCHEMA } from '../../src/store/postgres/migrate.ts';
import {
  codeOn,
  freePort,
  get,
  isolatedSchema,
  killAll,
  MASTER_KEY,
  NEEDS_POSTGRES,
  post,
  type Reply,
  ROOT,
  redeemOn,
  refreshOn,
  signUpOn,
  sleep,
  spawnNode,
  startNode,
  TEST_DATABASE_URL,
  type TesseraNode,
  until,
  WWW_AUTH,
  workspace,
} from './harness.ts';

const NEXT = NODE_SCHEMA + 1;
const LANES = 4;
/** The load stops by itself after this long, whatever happens to the upgrade. */
const LOAD_LIMIT_MS = 45_000;

/**
 * The next release: this very code with one more migration, in a tree of its own, as an operator would
 * deploy it. Nothing in the product is switched on for the test.
 */
function nextRelease(kind: 'additive' | 'breaking', sql: string): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `tessera-next-${kind}-`));
  for (const entry of ['bin', 'src', 'package.json', 'tsconfig.json'])
    cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const file = `${String(NEXT).padStart(3, '0')}_rolling_upgrade_${kind}.sql`;
  writeFileSync(join(root, 'src', 'store', 'postgres', 'migrations', file), `-- tessera: ${kind}\n${sql}\n`);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

interface Cluster {
  configFile: string;
  dataDir: string;
  baseUrl: string;
  databaseUrl: string;
}

/** `tessera start` from another tree (the next release), on the given port. */
async function startRelease(root: string, name: string, port: number, c: Cluster): Promise<TesseraNode> {
  const args = ['start', '--config', c.configFile, '--data', join(c.dataDir, name), '--port', String(port)];
  args.push('--host', '127.0.0.1', '--base-url', c.baseUrl);
  const proc = spawnNode(name, [join(root, 'bin', 'tessera.js'), ...args], {
    DATABASE_URL: c.databaseUrl,
    TESSERA_MASTER_KEY: MASTER_KEY,
    TESSERA_LOG_LEVEL: 'warn',
  });
  const node = Object.assign(proc, { url: `http://127.0.0.1:${port}`, port });
  await until(
    `${name} ready`,
    45_000,
    async () => {
      if (node.exit) assert.fail(`${name} exited (${JSON.stringify(node.exit)}):\n${node.output()}`);
      return (await get(`${node.url}/health/ready`, undefined, 2000)).status === 200 ? true : undefined;
    },
    100,
  );
  return node;
}

/** The load balancer: which nodes get traffic, and how many requests each has in flight. */
class Balancer {
  private next = 0;
  readonly serving = new Set<number>();
  readonly inflight = new Map<number, number>();
  constructor(readonly nodes: TesseraNode[]) {
    for (let i = 0; i < nodes.length; i++) this.serving.add(i);
  }

  async send<T>(work: (url: string) => Promise<T>): Promise<T> {
    const all = [...this.serving];
    const i = all[this.next++ % all.length]!;
    this.inflight.set(i, (this.inflight.get(i) ?? 0) + 1);
    try {
      return await work(this.nodes[i]!.url);
    } finally {
      this.inflight.set(i, this.inflight.get(i)! - 1);
    }
  }

  /** Out of rotation, then wait for its requests to finish: what a load balancer does before a node stops. */
  async drain(i: number): Promise<void> {
    this.serving.delete(i);
    await until(`node ${i} drained`, 15_000, async () => (this.inflight.get(i) ? undefined : true), 10);
  }
}

interface Probe {
  node: string;
  status: number | string;
  body: Record<string, unknown>;
}

if (!TEST_DATABASE_URL) {
  test('rolling upgrade on PostgreSQL', { skip: NEEDS_POSTGRES }, () => {});
} else {
  const base = TEST_DATABASE_URL;

  describe('rolling upgrade on PostgreSQL', () => {
    const ws = workspace();
    after(async () => {
      await killAll();
      ws.remove();
    });

    test('three nodes upgraded one at a time to a release with an additive migration: no failed request, every serving node ready throughout', async (t) => {
      const schema = await isolatedSchema(base);
      const release = nextRelease(
        'additive',
        // Touches the hottest table under load: a nullable column old nodes never name.
        'ALTER TABLE tokens ADD COLUMN upgrade_note TEXT;\nCREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY);',
      );
      t.after(async () => {
        await killAll();
        await schema.drop();
        release.remove();
      });
      const cluster: Cluster = {
        configFile: ws.configFile,
        dataDir: join(ws.dir, 'additive'),
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        databaseUrl: schema.url,
      };
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const nodes = await Promise.all(
        ['a', 'b', 'c'].map((name, i) =>
          startNode(`old ${name}`, {
            dataDir: join(cluster.dataDir, name),
            configFile: cluster.configFile,
            baseUrl: cluster.baseUrl,
            databaseUrl: cluster.databaseUrl,
            port: ports[i]!,
          }),
        ),
      );
      const lb = new Balancer(nodes);
      const failures: string[] = [];
      let requests = 0;
      const check = (what: string, res: Reply, ok: boolean) => {
        requests += 1;
        if (!ok) failures.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
      };

      // Readiness of every node in rotation, polled through the whole upgrade.
      const probes: Probe[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          await Promise.all(
            [...lb.serving].map(async (i) => {
              const node = lb.nodes[i]!;
              let probe: Probe;
              try {
                const res = await get(`${node.url}/health/ready`, undefined, 2000);
                probe = { node: node.name, status: res.status, body: res.json };
              } catch (error) {
                probe = { node: node.name, status: String(error), body: {} };
              }
              // A probe that crossed the node's removal from rotation says nothing about a serving node.
              if (lb.serving.has(i) && lb.nodes[i] === node) probes.push(probe);
            }),
          );
          await sleep(50);
        }
      })();

      const agent = await signUpOn(nodes[0]!.url, 'rolling');
      const startRefresh = async () => {
        const res = await redeemOn(nodes[0]!.url, await codeOn(nodes[0]!.url, agent));
        assert.equal(res.status, 200, res.text);
        return res.json['refresh_token'] as string;
      };
      const refreshTokens = await Promise.all(Array.from({ length: LANES }, startRefresh));

      let loading = true;
      const stopAt = Date.now() + LOAD_LIMIT_MS;
      const lane = async (lane: number) => {
        let refresh = refreshTokens[lane]!;
        for (let round = 0; loading && Date.now() < stopAt; round++) {
          try {
            const rotated = await lb.send((url) => refreshOn(url, refresh));
            check('refresh', rotated, rotated.status === 200);
            if (rotated.status !== 200) continue;
            // Without rotation (the client's default) the same refresh token stays.
            refresh = (rotated.json['refresh_token'] as string | undefined) ?? refresh;
            const access = rotated.json['access_token'] as string;
            const seen = await lb.send((url) =>
              post(`${url}/oauth/v2/oauth-introspect`, { token: access }, WWW_AUTH),
            );
            check('introspection', seen, seen.status === 200 && seen.json['active'] === true);
            if (round % 4 === lane % 4) {
              // A code made on one node, redeemed on whichever the balancer picks next.
              const code = await lb.send((url) => codeOn(url, agent));
              const redeemed = await lb.send((url) => redeemOn(url, code));
              check('code', redeemed, redeemed.status === 200);
            }
          } catch (error) {
            requests += 1;
            failures.push(`lane ${lane}: ${String(error)}`);
          }
        }
      };
      const load = Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));

      await sleep(1000);
      const upgraded: TesseraNode[] = [];
      for (let i = 0; i < nodes.length; i++) {
        const old = lb.nodes[i]!;
        await lb.drain(i);
        old.signal('SIGTERM');
        const exit = await old.exited;
        assert.equal(exit.code, 0, `${old.name} stops cleanly:\n${old.output()}`);
        const fresh = await startRelease(release.root, `new ${'abc'[i]}`, old.port, cluster);
        lb.nodes[i] = fresh;
        lb.serving.add(i);
        upgraded.push(fresh);
        // Old and new nodes side by side for a while, on the migrated schema.
        await sleep(1500);
      }
      loading = false;
      await load;
      polling = false;
      await poller;

      t.diagnostic(`${requests} requests, ${probes.length} readiness probes`);
      assert.ok(requests > 50, `the load ran (${requests} requests)`);
      assert.deepEqual(failures, [], 'no failed request');
      const unready = probes.filter((p) => p.status !== 200 || p.body['status'] !== 'ready');
      assert.deepEqual(unready, [], 'every node in rotation answered ready throughout');

      // Old nodes stayed ready on the newer schema: compatible, not equal.
      const onNewer = probes.filter((p) => {
        const s = (p.body['checks'] as { schema?: { version: number; node_version: number } })?.schema;
        return p.node.startsWith('old') && s?.version === NEXT && s.node_version === NODE_SCHEMA;
      });
      assert.ok(onNewer.length > 0, 'old nodes were probed, and ready, on the migrated schema');
      for (const node of upgraded) {
        const ready = await get(`${node.url}/health/ready`);
        assert.deepEqual((ready.json['checks'] as Record<string, unknown>)['schema'], {
          ok: true,
          version: NEXT,
          node_version: NEXT,
        });
        assert.doesNotMatch(node.output(), /"level":50/, `${node.name} logged an error:\n${node.output()}`);
      }
      for (const node of nodes) {
        assert.doesNotMatch(node.output(), /"level":50|not ready/, `${node.name}:\n${node.output()}`);
      }
    });

    test('a release with a breaking migration: old nodes turn unready with the reason, and an old node refuses to start', async (t) => {
      const schema = await isolatedSchema(base);
      const release = nextRelease(
        'breaking',
        // Stands in for a contract step (a DROP of what old nodes read); its kind is what matters here.
        'CREATE TABLE upgrade_contract_probe (id INTEGER PRIMARY KEY);',
      );
      t.after(async () => {
        await killAll();
        await schema.drop();
        release.remove();
      });
      const cluster: Cluster = {
        configFile: ws.configFile,
        dataDir: join(ws.dir, 'breaking'),
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        databaseUrl: schema.url,
      };
      const old = await startNode('old a', {
        dataDir: join(cluster.dataDir, 'a'),
        configFile: cluster.configFile,
        baseUrl: cluster.baseUrl,
        databaseUrl: cluster.databaseUrl,
      });
      const next = await startRelease(release.root, 'new b', await freePort(), cluster);
      const reason = new RegExp(
        `schema ${NEXT} has breaking migration ${NEXT} \\(${String(NEXT).padStart(3, '0')}_rolling_upgrade_breaking\\.sql\\) that this node \\(knows up to ${NODE_SCHEMA}\\) cannot run with`,
      );

      const unready = await until('the old node unready', 5000, async () => {
        const res = await get(`${old.url}/health/ready`);
        return res.status === 503 ? res : undefined;
      });
      assert.equal(unready.json['status'], 'unavailable');
      const checks = unready.json['checks'] as Record<string, { ok: boolean; reason?: string }>;
      assert.deepEqual(checks['database'], { ok: true });
      assert.equal(checks['schema']!.ok, false);
      assert.match(checks['schema']!.reason ?? '', reason);
      assert.equal((await get(`${next.url}/health/ready`)).status, 200, 'the new node is ready');
      // Logged once, at the change, however often it was probed.
      await get(`${old.url}/health/ready`);
      assert.equal(old.output().match(/not ready: schema:/g)?.length, 1, old.output());

      const args = ['start', '--config', cluster.configFile, '--data', join(cluster.dataDir, 'c')];
      args.push('--port', String(await freePort()), '--host', '127.0.0.1', '--base-url', cluster.baseUrl);
      const late = spawnNode('old c', [join(ROOT, 'bin', 'tessera.js'), ...args], {
        DATABASE_URL: cluster.databaseUrl,
        TESSERA_MASTER_KEY: MASTER_KEY,
      });
      const exit = await late.exited;
      assert.notEqual(exit.code, 0, 'the old node exits non-zero');
      const lines = late.output().trim().split('\n');
      assert.equal(lines.length, 1, `one line:\n${late.output()}`);
      assert.match(lines[0]!, /^error: this node cannot run on this database: /);
      assert.match(lines[0]!, reason);
    });
  });
}
