// `npm run bench`: Tessera against oidc-provider 9 on loopback, plus this machine's RS256 and argon2id ceilings.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServers } from './build.ts';
import { type Ceilings, sampleCeilings } from './ceilings.ts';
import { measureFloor } from './floor.ts';
import { RelyingParty } from './flows.ts';
import { HttpClient } from './http.ts';
import { runAtRate, runLoad, setupUsers } from './load.ts';
import { type BenchOptions, parseOptions, type StoreKind } from './options.ts';
import { appendResults, environment, renderReport, type ScenarioResult, type ServerRun } from './report.ts';
import type { Scenario } from './scenarios.ts';
import { BENCH_REDIS_URL, type BenchDatabase, createBenchDatabase } from './servers/databases.ts';
import { startPeer } from './servers/peer.ts';
import { cpuWindow, killAll, type Rss } from './servers/process.ts';
import type { Target } from './servers/target.ts';
import { startTessera } from './servers/tessera.ts';

const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const MB = 2 ** 20;
const log = (line: string) => process.stderr.write(`${line}\n`);
const errorsOf = (r: { errors: number; firstError?: string }) =>
  r.errors > 0 ? `, ${r.errors} errors (${r.firstError})` : '';

interface Contender {
  /** Which side of a pairing: a scenario with tesseraOnly skips the peer. */
  side: 'tessera' | 'peer';
  target: Target;
  http: HttpClient;
  rp: RelyingParty;
  run: ServerRun;
}

async function open(side: Contender['side'], target: Target, options: BenchOptions): Promise<Contender> {
  const idle = target.rss();
  log(
    `${target.name}: ready in ${Math.round(target.readyMs)} ms at ${target.origin} ` +
      `(pid ${target.pid}, ${Math.round(idle.current / MB)} MB resident, peak ${Math.round(idle.peak / MB)} MB)`,
  );
  const http = new HttpClient(target.origin, options.concurrency);
  return {
    side,
    target,
    http,
    rp: new RelyingParty(http, target.endpoints),
    run: {
      name: target.name,
      readyMs: target.readyMs,
      idleRss: idle.current,
      results: new Map(),
      peakRss: 0,
      processes: idle.processes,
    },
  };
}

type Outcome = ScenarioResult | { failed: string };

/** One closed-loop round of a scenario on one server: peak ops/s, latencies, CPU and RSS. */
async function closedLoop(
  c: Contender,
  scenario: Scenario,
  options: BenchOptions,
  round: string,
): Promise<Outcome> {
  const { concurrency, warmupMs, durationMs } = options;
  const server = cpuWindow(() => c.target.cpuTime());
  let driver = 0;
  const window = {
    open() {
      server.open();
      driver = driverCpuSeconds();
    },
    close() {
      server.close();
      driver = driverCpuSeconds() - driver;
    },
  };
  try {
    const workload = scenario.workload(c.rp);
    const users = await setupUsers(workload, concurrency);
    // The peak so far (start-up, earlier scenarios, this one's setup: logins) counts for the run; the
    // scenario's own peak is the highest point under its load.
    foldPeak(c);
    c.target.resetPeak();
    const load = await runLoad(workload, users, { warmupMs, durationMs, window });
    const rss = foldPeak(c);
    const seconds = durationMs / 1000;
    const perOp = (cpuSeconds: number) => (load.ops > 0 ? (1000 * cpuSeconds) / load.ops : Number.NaN);
    const usage = {
      cpuMsPerOp: perOp(server.spent.all),
      mainCpuMsPerOp: perOp(server.spent.main),
      serverCores: server.spent.all / seconds,
      driverCores: driver / seconds,
    };
    log(
      `  ${scenario.id}${round} ${c.target.name}: ${load.opsPerSec.toFixed(1)}/s, p50 ${load.p50.toFixed(2)} ms, ` +
        `p99 ${load.p99.toFixed(2)} ms, server CPU ${usage.cpuMsPerOp.toFixed(2)} ms/op ` +
        `(main thread ${usage.mainCpuMsPerOp.toFixed(2)}) ` +
        `(${usage.serverCores.toFixed(2)} cores, driver ${usage.driverCores.toFixed(2)}), ` +
        `RSS ${Math.round(rss.current / MB)} MB (peak ${Math.round(rss.peak / MB)})${errorsOf(load)}`,
    );
    return { load, rss: rss.current, peakRss: rss.peak, ...usage };
  } catch (error) {
    log(`  ${scenario.id}${round} ${c.target.name}: FAILED ${(error as Error).message}`);
    return { failed: (error as Error).message };
  }
}

/**
 * The round with the median ops/s (the lower middle of an even count), whole, so that its latencies, CPU
 * and RSS stay together. A failure in any round fails the scenario; request errors from every round count.
 */
function medianRound(outcomes: Outcome[]): Outcome {
  const failed = outcomes.find((o) => 'failed' in o);
  if (failed) return failed;
  const rounds = (outcomes as ScenarioResult[]).slice().sort((a, b) => a.load.opsPerSec - b.load.opsPerSec);
  const median = rounds[Math.floor((rounds.length - 1) / 2)]!;
  const errors = rounds.reduce((sum, r) => sum + r.load.errors, 0);
  const firstError = rounds.find((r) => r.load.firstError !== undefined)?.load.firstError;
  return { ...median, load: { ...median.load, errors, ...(firstError === undefined ? {} : { firstError }) } };
}

/** The latency target is set at half of the peak rate: this server's own (median) peak. */
async function halfPeak(c: Contender, scenario: Scenario, options: BenchOptions, result: ScenarioResult) {
  const { concurrency, warmupMs, durationMs } = options;
  if (options.halfPeakInFlight === undefined || result.load.opsPerSec <= 0) return;
  const rate = result.load.opsPerSec / 2;
  try {
    const workload = scenario.workload(c.rp);
    const states = await setupUsers(workload, concurrency);
    const half = await runAtRate(workload, states, {
      warmupMs,
      durationMs,
      rate,
      maxInFlight: options.halfPeakInFlight,
    });
    result.halfPeak = half;
    log(
      `  ${scenario.id} ${c.target.name} at half peak: ${rate.toFixed(1)}/s scheduled, ` +
        `p50 ${half.p50.toFixed(2)} ms, p99 ${half.p99.toFixed(2)} ms from the scheduled start, ` +
        `${half.late} late${errorsOf(half)}`,
    );
  } catch (error) {
    c.run.results.set(scenario.id, { failed: `at half peak: ${(error as Error).message}` });
    log(`  ${scenario.id} ${c.target.name} at half peak: FAILED ${(error as Error).message}`);
  }
}

/** Rounds alternate between the servers, so a drift in the machine's speed hits both alike. */
async function runScenario(everyone: Contender[], scenario: Scenario, options: BenchOptions): Promise<void> {
  const contenders = scenario.tesseraOnly ? everyone.filter((c) => c.side === 'tessera') : everyone;
  const outcomes = contenders.map(() => [] as Outcome[]);
  for (let round = 1; round <= options.rounds; round++) {
    const label = options.rounds === 1 ? '' : ` round ${round}/${options.rounds}`;
    for (const [i, c] of contenders.entries())
      outcomes[i]!.push(await closedLoop(c, scenario, options, label));
  }
  for (const [i, c] of contenders.entries()) {
    const result = medianRound(outcomes[i]!);
    c.run.results.set(scenario.id, result);
    if (scenario.latencyAtHalfPeak && !('failed' in result)) await halfPeak(c, scenario, options, result);
  }
}

function logCeilings(when: string, c: Ceilings): void {
  const last = (samples: number[]) => samples[samples.length - 1]!.toFixed(0);
  const one = (n: number | undefined) => (n === undefined ? '' : ` (one process ${n.toFixed(0)}/s)`);
  log(
    `ceilings ${when}, all ${c.rs256.processes} cores: RS256 ${last(c.rs256.samples)}/s${one(c.rs256.oneProcess)}, ` +
      `argon2id ${last(c.argon2id.samples)}/s${one(c.argon2id.oneProcess)}`,
  );
}

function driverCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Reads the server's RSS and folds the peak since the last reset into the run's. */
function foldPeak(c: Contender): Rss {
  const rss = c.target.rss();
  c.run.peakRss = Math.max(c.run.peakRss, rss.peak);
  return rss;
}

async function close(c: Contender): Promise<void> {
  c.run.processes = foldPeak(c).processes;
  await c.http.close();
  await c.target.stop();
}

async function main(options: BenchOptions): Promise<number> {
  const date = new Date();
  const loadBefore = loadavg();
  log(`bench: ${environment().join(', ')}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  await buildServers();
  const before = await sampleCeilings(options.ceilingMs, { oneProcess: !options.quick });
  logCeilings('before', before);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const floor = await measureFloor({ dir, ...options });
  log(
    `HTTP floor (bare node:http): ${floor.opsPerSec.toFixed(0)}/s, ${floor.cpuMsPerOp.toFixed(3)} ms CPU per request`,
  );
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  // Server logs are kept when something failed; an interrupted run (Ctrl-C) cleans up on its way out.
  let keepDir = false;
  process.on('exit', () => {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  });
  const contenders: Contender[] = [];
  const databases: BenchDatabase[] = [];
  try {
    // All stay up and each scenario runs on one after the other, so a change in background load hits all.
    const pairings: { store: StoreKind; tessera: Contender; peer: Contender }[] = [];
    for (const store of options.stores) {
      const shared = store === 'shared';
      const database = shared ? await createBenchDatabase() : undefined;
      if (database) databases.push(database);
      const storeDir = join(dir, store);
      mkdirSync(storeDir);
      const tessera = await open(
        'tessera',
        await startTessera({
          dir: storeDir,
          nodeArgs,
          ...(database ? { databaseUrl: database.url } : {}),
          ...(options.workers === undefined ? {} : { workers: options.workers }),
          ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
        }),
        options,
      );
      contenders.push(tessera);
      const peer = await open(
        'peer',
        await startPeer({ dir: storeDir, nodeArgs, ...(shared ? { redisUrl: BENCH_REDIS_URL } : {}) }),
        options,
      );
      contenders.push(peer);
      pairings.push({ store, tessera, peer });
    }
    for (const scenario of options.scenarios) await runScenario(contenders, scenario, options);
    const runs = pairings.map((p) => ({ store: p.store, tessera: p.tessera.run, peer: p.peer.run }));
    for (const c of contenders.splice(0)) await close(c);
    const ceilings = await sampleCeilings(options.ceilingMs, { previous: before, oneProcess: false });
    logCeilings('after', ceilings);

    const markdown = renderReport({
      date,
      settings: options.summary,
      loadBefore,
      ceilings,
      floor,
      scenarios: options.scenarios,
      workers: options.workers,
      pairings: runs,
    });
    process.stdout.write(`\n${markdown}`);
    if (options.append) {
      appendResults(RESULTS, markdown);
      log(`appended to ${RESULTS}`);
    }
    // Errors fail the run (CI keeps the harness working); slowness alone never does.
    const failed = runs
      .flatMap((r) => [r.tessera, r.peer])
      .some((run) =>
        [...run.results.values()].some(
          (r) => 'failed' in r || r.load.errors > 0 || (r.halfPeak?.errors ?? 0) > 0,
        ),
      );
    keepDir = failed;
    if (failed) log(`some scenarios failed; server logs kept in ${dir}`);
    return failed ? 1 : 0;
  } catch (error) {
    keepDir = true;
    log(`bench failed: ${(error as Error).stack}\nserver logs kept in ${dir}`);
    return 1;
  } finally {
    for (const c of contenders) await c.target.stop().catch(() => undefined);
    killAll();
    for (const database of databases) await database.drop().catch(() => undefined);
  }
}

main(parseOptions(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (error: unknown) => {
    killAll();
    log(`bench failed: ${(error as Error).stack}`);
    process.exit(1);
  },
);
