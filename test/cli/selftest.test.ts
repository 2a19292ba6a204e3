// `tessera selftest` against a real server on loopback: every check passes, and the throwaway client is removed even when a step fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Check } from '../../src/tools/selftest/check.ts';
import { CHECKS } from '../../src/tools/selftest/checks.ts';
import { formatReport } from '../../src/tools/selftest/report.ts';
import { runSelftest, type SelftestReport } from '../../src/tools/selftest/run.ts';
import { type AdminApi, addAdmin, adminApi, apiToken } from '../fixtures/admin.ts';
import { freePort, startServer, type TestServer } from '../fixtures/server.ts';

let server: TestServer;
let token: string;
let api: AdminApi;

before(async () => {
  server = await startServer();
  await addAdmin(server);
  token = await apiToken(server, 'alice', 'selftest');
  api = adminApi(server, token);
});
after(() => server.close());

/** The CLI as an operator runs it, as a child process (async: this process serves its requests). */
async function tessera(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'selftest', ...args],
      { env: { ...process.env, TESSERA_CONFIG: '', DATABASE_URL: '', ...env }, encoding: 'utf8' },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

async function assertClientGone(report: SelftestReport): Promise<void> {
  assert.ok(report.client_id?.startsWith('tessera-selftest-'), `client id ${report.client_id}`);
  const live = await api.get('/clients');
  assert.equal(live.status, 200);
  const ids = (live.body.clients as Array<{ client_id: string }>).map((c) => c.client_id);
  assert.ok(!ids.includes(report.client_id!), `${report.client_id} is still a client: ${ids.join(', ')}`);
  const revisions = await api.get('/revisions?limit=2');
  const messages = (revisions.body.revisions as Array<{ message: string }>).map((r) => r.message);
  assert.deepEqual(messages, [
    `selftest: remove throwaway client ${report.client_id}`,
    `selftest: add throwaway client ${report.client_id}`,
  ]);
  assert.equal((await api.get('/changes')).body.changes.length, 0, 'the draft is left empty');
}

describe('tessera selftest', () => {
  test('against a healthy server every check passes, each row naming its conformance module, and the client is removed', async () => {
    const report = await runSelftest({ url: server.url, token });
    const failed = report.results.filter((r) => r.status !== 'pass');
    assert.deepEqual(failed, [], JSON.stringify(failed, null, 2));
    assert.equal(report.results.length, CHECKS.length);
    assert.equal(report.passed, true);
    assert.equal(report.issuer, server.issuer);
    assert.deepEqual(report.user, { username: report.user?.username, registered: true });
    const modules = report.results.map((r) => r.module);
    for (const module of [
      'oidcc-server',
      'oidcc-codereuse',
      'oidcc-refresh-token',
      'oidcc-prompt-none-logged-in',
      'oidcc-prompt-none-not-logged-in',
      'oidcc-ensure-registered-redirect-uri',
      'oidcc-ensure-redirect-uri-in-authorization-request',
      'oidcc-rp-initiated-logout',
    ]) {
      assert.ok(modules.includes(module), `no row mirrors ${module}`);
    }
    const table = formatReport(report);
    assert.match(table, /^PASS +code-reuse +oidcc-codereuse +a used code is 400 invalid_grant$/m);
    assert.match(table, /17 passed, 0 failed, 0 skipped: OK/);
    await assertClientGone(report);
  });

  test('a step that fails (a wrong password) fails the run, skips what needs it, exits 1 with --json, and still removes the client', async () => {
    // No --url: the CLI targets server.base_url from the config (here TESSERA_BASE_URL).
    const run = await tessera(['--json', '--username', 'nobody', '--password', 'wrong password'], {
      TESSERA_ADMIN_TOKEN: token,
      TESSERA_BASE_URL: server.url,
    });
    assert.equal(run.code, 1, run.err);
    const report = JSON.parse(run.out) as SelftestReport;
    assert.deepEqual(Object.keys(report).sort(), [
      'cleanup',
      'client_id',
      'issuer',
      'passed',
      'results',
      'setup_error',
      'target',
      'user',
    ]);
    assert.equal(report.passed, false);
    assert.equal(report.target, server.url);
    assert.deepEqual(report.user, { username: 'nobody', registered: false });
    assert.deepEqual(report.cleanup, { removed: true, error: null });
    const byId = new Map(report.results.map((r) => [r.check, r]));
    for (const r of report.results) {
      assert.deepEqual(Object.keys(r).sort(), ['check', 'module', 'ms', 'reason', 'spec', 'status']);
    }
    assert.equal(byId.get('code-flow')?.status, 'fail');
    assert.match(byId.get('code-flow')!.reason, /login did not return to the client/);
    assert.equal(byId.get('id-token')?.status, 'skip');
    assert.equal(byId.get('discovery')?.status, 'pass', 'checks that need no login still run');
    await assertClientGone(report);
  });

  test('a check that throws midway still leaves no client behind', async () => {
    const broken: Check = {
      id: 'broken',
      module: null,
      spec: 'test',
      async run() {
        throw new Error('injected failure');
      },
    };
    const report = await runSelftest({
      url: server.url,
      token,
      checks: [CHECKS[0], broken, ...CHECKS.slice(1, 3)],
    });
    assert.equal(report.passed, false);
    assert.deepEqual(
      report.results.map((r) => [r.check, r.status]),
      [
        ['discovery', 'pass'],
        ['broken', 'fail'],
        ['prompt-none-no-session', 'pass'],
        ['redirect-uri-unregistered', 'pass'],
      ],
    );
    await assertClientGone(report);
  });

  test('it refuses to start, creating nothing, when the token is wrong or its draft holds edits it would commit', async () => {
    const bad = await tessera(['--url', server.url, '--token', 'tsr_wrong']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /could not start: the admin API refused the token \(401\)/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const away = await runSelftest({ url: closed, token });
    assert.equal(away.setup_error, `cannot reach ${closed}: ECONNREFUSED`);

    assert.equal((await api.post('/scopes', { name: 'half-done' })).status, 201);
    const report = await runSelftest({ url: server.url, token });
    assert.match(report.setup_error ?? '', /draft holds 1 uncommitted change/);
    assert.equal(report.client_id, null);
    assert.equal((await api.get('/changes')).body.changes.length, 1, 'the edit is left as it was');
    assert.equal((await api.delete('/changes')).status, 204);
  });
});
