// Three Tessera processes on one PostgreSQL: codes, sessions, keys and config commits are shared; a code redeems once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { CALLBACK, PASSWORD } from '../fixtures/oidc.ts';
import { UserAgent } from '../fixtures/user-agent.ts';
import {
  authorizePath,
  cli,
  codeOn,
  freePort,
  get,
  isActiveOn,
  isolatedSchema,
  killAll,
  MASTER_KEY,
  NEEDS_POSTGRES,
  newSecret,
  post,
  redeemOn,
  signUpOn,
  startNode,
  TEST_DATABASE_URL,
  type TesseraNode,
  until,
  WWW,
  workspace,
} from './harness.ts';

const ISSUER_PATH = '/oauth/v2/oauth-anonymous';

function threeNodes(databaseUrl: string): void {
  let nodes: TesseraNode[] = [];
  let schema: Awaited<ReturnType<typeof isolatedSchema>> | undefined;
  const ws = workspace();
  let baseUrl = '';
  let db = '';
  const node = (i: number) => nodes[i]!;

  before(async () => {
    schema = await isolatedSchema(databaseUrl);
    db = schema.url;
    // The load balancer's address: the issuer every node announces. Tests talk to each node directly.
    baseUrl = `http://127.0.0.1:${await freePort()}`;
    // Started together on an empty schema, as `docker compose up` would: migrations and first keys race.
    nodes = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        startNode(`node ${name}`, {
          dataDir: join(ws.dir, name),
          configFile: ws.configFile,
          baseUrl,
          databaseUrl: db,
        }),
      ),
    );
  });
  after(async () => {
    await killAll();
    await schema?.drop();
    ws.remove();
  });

  describe('three nodes on one PostgreSQL', () => {
    test('failed logins count across nodes: five on A, five on B, and C refuses even the right password', async () => {
      await signUpOn(node(0).url, 'guessed');
      const attempt = async (i: number, password: string) => {
        const ua = new UserAgent();
        const page = await ua.request(`${node(i).url}/authn/authenticate/html-form/username-password`);
        return ua.submit(page, { username: 'guessed', password });
      };
      for (let i = 0; i < 10; i++) assert.equal((await attempt(i % 2, 'wrong password')).status, 401);
      const blocked = await attempt(2, PASSWORD);
      assert.equal(blocked.status, 429, blocked.body.slice(0, 200));
      assert.ok(Number(blocked.headers.get('retry-after')) > 0, 'Retry-After says how long');
    });

    test('a code issued by node A is redeemed on node B, and its tokens are live on node C', async () => {
      const agent = await signUpOn(node(0).url, 'ann');
      const code = await codeOn(node(0).url, agent);
      const res = await redeemOn(node(1).url, code);
      assert.equal(res.status, 200, res.text);
      const access = res.json['access_token'] as string;
      assert.ok(await isActiveOn(node(2).url, access));
      assert.ok(await isActiveOn(node(2).url, res.json['refresh_token'] as string));
      const userinfo = await fetch(`${node(2).url}/oauth/v2/oauth-userinfo`, {
        headers: { authorization: `Bearer ${access}` },
      });
      assert.equal(userinfo.status, 200);
      // Signed on B, verified with C's published keys.
      const jwks = (await get(`${node(2).url}${ISSUER_PATH}/jwks`)).json;
      const { payload } = await jwtVerify(
        res.json['id_token'] as string,
        createLocalJWKSet(jwks as unknown as Parameters<typeof createLocalJWKSet>[0]),
        { issuer: baseUrl + ISSUER_PATH, audience: WWW.id },
      );
      assert.equal(payload.sub, ((await userinfo.json()) as { sub: string }).sub);
    });

    test('an SSO session made on node A is honoured on B and C: no login form, straight back to the client', async () => {
      const agent = await signUpOn(node(0).url, 'bob');
      for (const other of [node(1), node(2)]) {
        const res = await get(other.url + authorizePath(), agent);
        assert.equal(res.status, 303, `${other.name}: ${res.status} ${res.headers.get('location')}`);
        assert.equal(res.headers.get('location')!.split('?')[0], CALLBACK);
      }
    });

    test('a login form served by node A is accepted by node B (CSRF and cookies keyed by the shared master key)', async () => {
      await signUpOn(node(2).url, 'cat');
      const agent = new UserAgent();
      const returnTo = authorizePath();
      const page = await agent.request(
        `${node(0).url}/authn/authenticate/html-form/username-password?${new URLSearchParams({ return_to: returnTo })}`,
      );
      assert.equal(page.status, 200);
      const done = await agent.submit(
        { ...page, url: page.url.replace(node(0).url, node(1).url) },
        { username: 'cat', password: PASSWORD },
      );
      assert.equal(done.status, 303, `login on B: ${done.status} ${done.body.slice(0, 300)}`);
      assert.equal(done.headers.get('location')!.split('?')[0], CALLBACK);
    });

    test('discovery and JWKS are identical on every node', async () => {
      const documents = async (path: string) =>
        Promise.all(nodes.map(async (n) => JSON.stringify((await get(n.url + path)).json)));
      // Nodes that started together may each have written a first key; every node sees all of them after a poll.
      const jwks = await until('the same JWKS on every node', 2000, async () => {
        const all = await documents(`${ISSUER_PATH}/jwks`);
        return all.every((j) => j === all[0]) ? all[0] : undefined;
      });
      assert.ok((JSON.parse(jwks) as { keys: unknown[] }).keys.length > 0);
      const discovery = await documents(`${ISSUER_PATH}/.well-known/openid-configuration`);
      for (const d of discovery) assert.equal(d, discovery[0]);
      assert.equal((JSON.parse(discovery[0]!) as { issuer: string }).issuer, baseUrl + ISSUER_PATH);
    });

    test('nodes started together on an empty database share one first signing key per algorithm', async () => {
      const client = new pg.Client({ connectionString: db });
      await client.connect();
      try {
        const { rows } = await client.query<{ alg: string; n: number }>(
          'SELECT alg, count(*)::int AS n FROM signing_keys GROUP BY alg ORDER BY alg',
        );
        assert.ok(rows.length > 0);
        assert.deepEqual(
          rows.filter((r) => r.n !== 1),
          [],
          'each node generated its own first key: until every node reloads, they sign with and publish different keys',
        );
      } finally {
        await client.end();
      }
    });

    test('a client created with the CLI is live on every node within a second, without a restart', async () => {
      const secret = newSecret();
      const probe = (n: TesseraNode) =>
        post(
          `${n.url}/oauth/v2/oauth-token`,
          { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: CALLBACK },
          `Basic ${Buffer.from(`late:${secret}`).toString('base64')}`,
        );
      for (const n of nodes) assert.equal((await probe(n)).status, 401, 'unknown client before the commit');

      const created = await cli(
        [
          'client',
          'create',
          '--id',
          'late',
          '--redirect-uri',
          CALLBACK,
          '--secret',
          secret,
          '--config',
          ws.configFile,
          '--data',
          join(ws.dir, 'cli'),
        ],
        { DATABASE_URL: db, TESSERA_MASTER_KEY: MASTER_KEY },
      );
      assert.equal(created.code, 0, created.output);
      const committed = Date.now();
      await Promise.all(
        nodes.map((n) =>
          until(`client "late" on ${n.name}`, 2000, async () => {
            const res = await probe(n);
            // Known client, bad code: authentication passed.
            return res.status === 400 && res.json['error'] === 'invalid_grant' ? true : undefined;
          }),
        ),
      );
      assert.ok(Date.now() - committed <= 2000);
    });

    test('a key rotated with the CLI is published on every node within a second', async () => {
      const rotated = await cli(
        ['keys', 'rotate', '--alg', 'RS256', '--config', ws.configFile, '--data', join(ws.dir, 'cli')],
        { DATABASE_URL: db, TESSERA_MASTER_KEY: MASTER_KEY },
      );
      assert.equal(rotated.code, 0, rotated.output);
      const kid = /RS256\t(\S+)\t/.exec(rotated.output)?.[1];
      assert.ok(kid, rotated.output);
      await Promise.all(
        nodes.map((n) =>
          until(`key ${kid} in ${n.name}'s JWKS`, 2000, async () => {
            const { keys } = (await get(`${n.url}${ISSUER_PATH}/jwks`)).json as { keys: { kid: string }[] };
            return keys.some((k) => k.kid === kid) ? true : undefined;
          }),
        ),
      );
    });

    test('20 parallel redemptions of one code spread over three nodes: exactly one succeeds, and its tokens are revoked', async () => {
      const agent = await signUpOn(node(1).url, 'dan');
      const code = await codeOn(node(1).url, agent);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => redeemOn(node(i % 3).url, code)),
      );
      const statuses = results.map((r) => r.status);
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `statuses: ${statuses.join(' ')}`);
      for (const r of results.filter((r) => r.status !== 200)) {
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json['error'], 'invalid_grant');
      }
      // RFC 6749 §4.1.2: the replays revoke what the one redemption issued.
      const issued = winners[0]!.json;
      for (const n of nodes) {
        assert.equal(await isActiveOn(n.url, issued['access_token'] as string), false, n.name);
        assert.equal(await isActiveOn(n.url, issued['refresh_token'] as string), false, n.name);
      }
    });

    test('no node crashed or logged an error', () => {
      for (const n of nodes) {
        assert.equal(n.exit, undefined, `${n.name} exited: ${n.output()}`);
        assert.doesNotMatch(n.output(), /"level":50/, `${n.name} logged an error:\n${n.output()}`);
      }
    });
  });
}

if (TEST_DATABASE_URL) {
  threeNodes(TEST_DATABASE_URL);
} else {
  test('three nodes on one PostgreSQL', { skip: NEEDS_POSTGRES }, () => {});
}
