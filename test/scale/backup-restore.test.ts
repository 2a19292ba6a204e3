// A backup taken under load with the real CLI restores into a new data directory, and the server started on it honours what came before.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { CALLBACK } from '../fixtures/oidc.ts';
import type { UserAgent } from '../fixtures/user-agent.ts';
import {
  cli,
  codeOn,
  freePort,
  killAll,
  MASTER_KEY,
  newSecret,
  redeemOn,
  refreshOn,
  signUpOn,
  startNode,
  type TesseraNode,
  until,
  workspace,
} from './harness.ts';

const ws = workspace();
const dirA = join(ws.dir, 'a');
const dirB = join(ws.dir, 'b');
const backupFile = join(ws.dir, 'backup.db');
const env = { TESSERA_MASTER_KEY: MASTER_KEY };
const LATE = { id: 'late', secret: newSecret() };
/** The load stops by itself after this long, whatever happens to the test. */
const LOAD_LIMIT_MS = 15_000;

let baseUrl: string;
let a: TesseraNode;
after(async () => {
  await killAll();
  ws.remove();
});
before(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  a = await startNode('a', { dataDir: dirA, configFile: ws.configFile, baseUrl, port });
});

/** Code flow plus refresh, again and again, until stopped or out of time; every answer must be a 200. */
function load(nodeUrl: string, agent: UserAgent, lanes: number) {
  const stats = { ok: 0, failed: [] as string[] };
  let stopped = false;
  const deadline = Date.now() + LOAD_LIMIT_MS;
  const lane = async () => {
    while (!stopped && Date.now() < deadline) {
      try {
        const token = await redeemOn(nodeUrl, await codeOn(nodeUrl, agent));
        const refreshed =
          token.status === 200 ? await refreshOn(nodeUrl, String(token.json['refresh_token'])) : token;
        if (refreshed.status === 200) stats.ok++;
        else stats.failed.push(`${refreshed.status} ${refreshed.text.slice(0, 120)}`);
      } catch (error) {
        stats.failed.push(String(error));
      }
    }
  };
  const running = Promise.all(Array.from({ length: lanes }, lane));
  return {
    stats,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

test('a backup taken under load restores to a server where the earlier refresh token, SSO session and committed client work', async () => {
  // What exists before the backup: an SSO session, a refresh token, a client committed as a revision.
  const agent = await signUpOn(a.url, 'bea');
  const earlier = await redeemOn(a.url, await codeOn(a.url, agent));
  assert.equal(earlier.status, 200, earlier.text);
  const refreshToken = String(earlier.json['refresh_token']);
  const created = await cli(
    [
      'client',
      'create',
      '--id',
      LATE.id,
      '--redirect-uri',
      CALLBACK,
      '--secret',
      LATE.secret,
      '--data',
      dirA,
      '--config',
      ws.configFile,
    ],
    env,
  );
  assert.equal(created.code, 0, created.output);
  const revision = /committed as revision (\d+)/.exec(created.output)?.[1];
  assert.ok(revision, created.output);
  await until('the committed client is live on a', 5000, async () => {
    const res = await redeemOn(a.url, 'no-such-code', LATE);
    return res.json['error'] === 'invalid_grant' ? true : undefined;
  });
  const lateToken = await redeemOn(a.url, await codeOn(a.url, agent, { client_id: LATE.id }), LATE);
  assert.equal(lateToken.status, 200, lateToken.text);

  // The backup, as a real CLI process, while the server answers a steady stream of code and refresh grants.
  const traffic = load(a.url, agent, 3);
  await until('load under way', 10_000, async () => (traffic.stats.ok >= 10 ? true : undefined));
  const before = traffic.stats.ok;
  const backup = await cli(['backup', backupFile, '--data', dirA, '--config', ws.configFile], env);
  const during = traffic.stats.ok - before;
  assert.equal(backup.code, 0, backup.output);
  assert.match(backup.output, /schema version: \d+/);
  assert.match(backup.output, /tokens \d+/);
  assert.match(backup.output, /master key: +TESSERA_MASTER_KEY \(fingerprint [0-9a-f]{12}\)/);
  assert.ok(!backup.output.includes(MASTER_KEY), 'the backup never prints the master key');
  // Issued after the backup: lost by the restore.
  const later = await redeemOn(a.url, await codeOn(a.url, agent));
  assert.equal(later.status, 200, later.text);
  await traffic.stop();
  assert.deepEqual(traffic.stats.failed, [], 'no request failed while the backup ran');
  assert.ok(during > 0, `the server kept serving during the backup (${during} grants completed meanwhile)`);

  const copy = new Database(backupFile, { readonly: true });
  assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
  copy.close();

  // Restore refuses to replace the database a running server holds, even with --force.
  const refused = await cli(
    ['restore', backupFile, '--force', '--data', dirA, '--config', ws.configFile],
    env,
  );
  assert.equal(refused.code, 2, refused.output);
  assert.match(refused.output, /open in another process/);

  a.signal('SIGTERM');
  assert.deepEqual(await a.exited, { code: 0, signal: null });

  const restored = await cli(['restore', backupFile, '--data', dirB, '--config', ws.configFile], env);
  assert.equal(restored.code, 0, restored.output);
  assert.match(restored.output, /master key: matches/);

  const b = await startNode('b', { dataDir: dirB, configFile: ws.configFile, baseUrl });
  assert.match(b.output(), new RegExp(`revision ${revision} in`), 'the committed revision is the live one');

  const refreshed = await refreshOn(b.url, refreshToken);
  assert.equal(refreshed.status, 200, `the refresh token from before the backup: ${refreshed.text}`);
  // The SSO cookie from before the backup: authorize answers with a code, no login page.
  const code = await codeOn(b.url, agent);
  assert.equal((await redeemOn(b.url, code)).status, 200);
  const lateRefreshed = await refreshOn(b.url, String(lateToken.json['refresh_token']), LATE);
  assert.equal(
    lateRefreshed.status,
    200,
    `the committed client's secret still verifies: ${lateRefreshed.text}`,
  );

  const lost = await refreshOn(b.url, String(later.json['refresh_token']));
  assert.equal(lost.json['error'], 'invalid_grant', 'a token issued after the backup is gone');
});
