// kill -9 of one of three PostgreSQL nodes in the middle of a load run: nothing a client received is lost, no code redeems twice.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { UserAgent } from '../fixtures/user-agent.ts';
import {
  codeOn,
  freePort,
  isActiveOn,
  isolatedSchema,
  killAll,
  lanes,
  NEEDS_POSTGRES,
  redeemOn,
  refreshOn,
  signUpOn,
  startNode,
  TEST_DATABASE_URL,
  type TesseraNode,
  workspace,
} from './harness.ts';

const FLOWS = 240;
const KILL_AFTER = 60;
const CONCURRENCY = 6;
const LOAD_MS = 30_000;

/** A network failure (the node died under the request): the client received nothing. */
const lost = (error: unknown) => error instanceof TypeError || (error as Error).name === 'AbortError';

function killDuringLoad(databaseUrl: string): void {
  let nodes: TesseraNode[] = [];
  let schema: Awaited<ReturnType<typeof isolatedSchema>> | undefined;
  const ws = workspace();

  before(async () => {
    schema = await isolatedSchema(databaseUrl);
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    nodes = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        startNode(`node ${name}`, {
          dataDir: join(ws.dir, name),
          configFile: ws.configFile,
          baseUrl,
          databaseUrl: schema!.url,
        }),
      ),
    );
  });
  after(async () => {
    await killAll();
    await schema?.drop();
    ws.remove();
  });

  test('kill -9 of a node mid-load: every token a client received stays valid, and no code is redeemed twice', async (t) => {
    const [a, b, victim] = nodes as [TesseraNode, TesseraNode, TesseraNode];
    const survivors = [a, b];
    const agents: UserAgent[] = await Promise.all(nodes.map((n, i) => signUpOn(n.url, `load-${i}`)));

    let alive = [...nodes];
    let completed = 0;
    let killedAt = 0;
    let completedAfterKill = 0;
    const received: string[] = [];
    /** Codes whose redemption answered 200: a second redemption must fail. */
    const redeemed: string[] = [];
    /** Codes whose redemption got no answer: the dead node may or may not have committed it. */
    const unknown: string[] = [];
    const unexpected: string[] = [];
    const pick = (i: number) => alive[i % alive.length]!;
    const kill = () => {
      if (killedAt) return;
      killedAt = Date.now();
      alive = survivors;
      victim.signal('SIGKILL');
    };

    const ran = await lanes(CONCURRENCY, FLOWS, Date.now() + LOAD_MS, async (job) => {
      const agent = agents[job % agents.length]!;
      let code: string;
      try {
        code = await codeOn(pick(job).url, agent);
      } catch (error) {
        if (lost(error)) return;
        throw error;
      }
      const at = pick(job + 1);
      // Once enough flows are done, the next token request sent to the victim is cut off in flight.
      if (!killedAt && completed >= KILL_AFTER && at === victim) setTimeout(kill, 2);
      let tokens: Record<string, unknown>;
      try {
        const res = await redeemOn(at.url, code);
        if (res.status !== 200) {
          unexpected.push(`redeem on ${at.name}: ${res.status} ${res.text}`);
          return;
        }
        tokens = res.json;
        redeemed.push(code);
      } catch (error) {
        if (!lost(error)) throw error;
        unknown.push(code);
        return;
      }
      received.push(tokens['access_token'] as string, tokens['refresh_token'] as string);
      if (job % 2 === 0) {
        const where = pick(job + 2);
        try {
          const res = await refreshOn(where.url, tokens['refresh_token'] as string);
          if (res.status === 200) received.push(res.json['access_token'] as string);
          else unexpected.push(`refresh on ${where.name}: ${res.status} ${res.text}`);
        } catch (error) {
          if (!lost(error)) throw error;
        }
      }
      completed += 1;
      if (killedAt) completedAfterKill += 1;
    });
    kill();
    t.diagnostic(
      `${completed} flows completed (${completedAfterKill} after the kill), ${received.length} tokens received, ${unknown.length} redemptions cut off`,
    );

    assert.deepEqual(unexpected, []);
    assert.equal((await victim.exited).signal, 'SIGKILL');
    assert.ok(
      completed >= KILL_AFTER && completedAfterKill > 0,
      `${completed} flows, ${completedAfterKill} after the kill`,
    );
    assert.ok(ran >= KILL_AFTER, `only ${ran} flows started`);

    // Acknowledged means durable: every token handed out, by any node, introspects active on a survivor.
    const inactive: string[] = [];
    await lanes(CONCURRENCY, received.length, Number.POSITIVE_INFINITY, async (i) => {
      if (!(await isActiveOn(survivors[i % 2]!.url, received[i]!))) inactive.push(`token #${i}`);
    });
    assert.deepEqual(
      inactive,
      [],
      `${inactive.length} of ${received.length} received tokens are no longer active`,
    );

    // A code that was answered with tokens never redeems again, on any node.
    const replays = await Promise.all(redeemed.map((code, i) => redeemOn(survivors[i % 2]!.url, code)));
    const replayed = replays.filter((r) => r.status !== 400 || r.json['error'] !== 'invalid_grant');
    assert.deepEqual(
      replayed.map((r) => `${r.status} ${r.text}`),
      [],
    );
    // A code cut off in flight was redeemed by the dead node or not at all: at most one of two tries can win.
    for (const code of unknown) {
      const first = await redeemOn(a.url, code);
      const second = await redeemOn(b.url, code);
      assert.notEqual(second.status, 200, 'a code redeemed after the crash must not redeem again');
      assert.ok(first.status === 200 || first.json['error'] === 'invalid_grant', first.text);
    }
    for (const n of survivors) assert.equal(n.exit, undefined, `${n.name} exited:\n${n.output()}`);
  });
}

if (TEST_DATABASE_URL) {
  killDuringLoad(TEST_DATABASE_URL);
} else {
  test('kill -9 of a PostgreSQL node during load', { skip: NEEDS_POSTGRES }, () => {});
}
