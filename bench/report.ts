// Turns bench results into the markdown report: environment, ceilings, the comparison table, notes.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { Ceiling, Ceilings } from './ceilings.ts';
import type { Floor } from './floor.ts';
import type { LoadResult, RateResult } from './load.ts';
import type { Scenario } from './scenarios.ts';
import { targetLines } from './targets.ts';

export interface ScenarioResult {
  load: LoadResult;
  /** Resident bytes right after the scenario. */
  rss: number;
  /** The highest resident size under the scenario's load (warm-up and window, not its setup). */
  peakRss: number;
  /** The server's CPU time (all threads) per completed operation, in the measured window. */
  cpuMsPerOp: number;
  /** The part of it on the main threads (JavaScript); the rest is libuv's pool (signatures, hashes) and V8's. */
  mainCpuMsPerOp: number;
  /** CPU seconds per second used by the server and by the bench process in the window. */
  serverCores: number;
  driverCores: number;
  /** The open-loop phase at half the peak rate, for scenarios with latencyAtHalfPeak. */
  halfPeak?: RateResult;
}

export interface ServerRun {
  name: string;
  readyMs: number;
  /** Resident bytes once ready, before any load. */
  idleRss: number;
  /** Per scenario id: the load result and the server's RSS (bytes) right after it. */
  results: Map<string, ScenarioResult | { failed: string }>;
  peakRss: number;
  processes: number;
}

export interface Report {
  date: Date;
  settings: string;
  loadBefore: number[];
  ceilings: Ceilings;
  floor: Floor;
  scenarios: readonly Scenario[];
  /** `tessera start --workers`, when the run passed one. */
  workers: string | undefined;
  /** One Tessera and one peer per pairing of comparable stores. */
  pairings: readonly Pairing[];
}

export interface Pairing {
  store: 'local' | 'shared';
  tessera: ServerRun;
  peer: ServerRun;
}

const PAIRING_TITLES: Record<Pairing['store'], string> = {
  local: 'Embedded stores: Tessera on SQLite, oidc-provider in memory (its default adapter)',
  shared:
    "Shared stores, as a cluster of nodes runs: Tessera on PostgreSQL, oidc-provider on Redis (its documentation's adapter)",
};

const MB = 1024 * 1024;
const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n: number) => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

const samples = (c: Ceiling) =>
  `${c.samples.map(rate).join(' / ')} per s` +
  (c.oneProcess === undefined ? '' : ` (one process: ${rate(c.oneProcess)} per s)`);

export function environment(): string[] {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [`Node ${process.version}`, `${model}`, `${availableParallelism()} cores`];
}

/** p50 / p99 at the scheduled rate, with dropped (late) operations and errors when there were any. */
function halfPeakCell(h: RateResult): string {
  const extra = [`at ${rate(h.rate)}/s`];
  if (h.late > 0) extra.push(`${h.late} late`);
  if (h.errors > 0) extra.push(`${h.errors} err`);
  return `${ms(h.p50)} / ${ms(h.p99)} (${extra.join(', ')})`;
}

function cell(run: ServerRun, scenario: Scenario) {
  const r = run.results.get(scenario.id);
  // Blank where the scenario has no half-peak phase, '-' where it has one that did not run.
  const noHalfPeak = scenario.latencyAtHalfPeak ? '-' : '';
  const none = { latency: '-', halfPeak: noHalfPeak, cpu: '-', rss: '-', value: Number.NaN };
  if (r === undefined) return { rate: '-', ...none };
  if ('failed' in r) return { rate: 'failed', ...none };
  const errors = r.load.errors > 0 ? ` (${r.load.errors} err)` : r.load.ops === 0 ? ' (none completed)' : '';
  return {
    rate: rate(r.load.opsPerSec) + errors,
    latency: `${ms(r.load.p50)} / ${ms(r.load.p99)}`,
    halfPeak: r.halfPeak === undefined ? noHalfPeak : halfPeakCell(r.halfPeak),
    cpu: `${ms(r.cpuMsPerOp)} (${r.serverCores.toFixed(1)}; main ${ms(r.mainCpuMsPerOp)})`,
    rss: mb(r.peakRss),
    value: r.load.opsPerSec,
  };
}

export function renderReport(report: Report): string {
  const { ceilings } = report;
  const lines: string[] = [
    `## ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}: ${environment().join(', ')}`,
    '',
    `${report.settings}; load average before the run ${report.loadBefore.map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    `Ceilings on all ${ceilings.rs256.processes} cores, sampled before and after the scenarios ` +
      `(the mean is the 100 %): RS256 signatures of an ID token with a 2048-bit key ${samples(ceilings.rs256)}; ` +
      `argon2id hashes (m=19456, t=2, p=1) ${samples(ceilings.argon2id)}. ` +
      `HTTP floor: a bare node:http server answering the client-credentials request, with no work behind it, ` +
      `${rate(report.floor.opsPerSec)} per s at ${ms(report.floor.cpuMsPerOp)} ms of CPU per request ` +
      '(same driver, connections and virtual users).',
    '',
  ];
  const many = report.pairings.length > 1;
  for (const pairing of report.pairings) {
    if (many) lines.push(`### ${PAIRING_TITLES[pairing.store]}`, '');
    lines.push(...pairingTable(report, pairing));
  }
  const runs = report.pairings.flatMap((p) => [p.tessera, p.peer]);
  const driver = runs.flatMap((run) =>
    [...run.results.values()].flatMap((r) => ('failed' in r ? [] : [r.driverCores])),
  );
  if (driver.length > 0) {
    lines.push(
      `- The load driver (this bench process) used ${Math.min(...driver).toFixed(1)}-` +
        `${Math.max(...driver).toFixed(1)} cores; CPU ms/op counts the server's processes only (all threads).`,
    );
  }
  for (const scenario of report.scenarios.filter((s) => s.tesseraOnly !== undefined)) {
    lines.push(
      `- ${scenario.id} runs on Tessera only, so the peer's cells and the ratio are '-': ${scenario.tesseraOnly}.`,
    );
  }
  const ranHalfPeak = runs.some((run) =>
    [...run.results.values()].some((r) => !('failed' in r) && r.halfPeak !== undefined),
  );
  if (ranHalfPeak) {
    lines.push(
      "- At half peak: an open loop starts operations at a fixed rate, half of that server's own ops/s above, " +
        'whether or not earlier ones have finished, and times each from when it was due, so queueing counts; ' +
        'one due while the in-flight bound is reached is dropped and counted late.',
    );
  }
  for (const run of runs) {
    for (const [id, r] of run.results) {
      if ('failed' in r) lines.push(`- ${run.name} ${id} failed: ${r.failed}`);
      else {
        if (r.load.firstError) {
          lines.push(`- ${run.name} ${id}: ${r.load.errors} errors, first: ${r.load.firstError}`);
        }
        if (r.halfPeak?.firstError) {
          lines.push(
            `- ${run.name} ${id} at half peak: ${r.halfPeak.errors} errors, first: ${r.halfPeak.firstError}`,
          );
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One pairing's comparison table, its speed targets, and each server's start-up and memory. */
function pairingTable(report: Report, { tessera, peer }: Pairing): string[] {
  const { ceilings } = report;
  const lines = [
    `| scenario | ${tessera.name} ops/s | ${peer.name} ops/s | ratio | % of ceiling (peer) | ` +
      `${tessera.name} p50 / p99 ms | ${peer.name} p50 / p99 ms | ` +
      `${tessera.name} p50 / p99 ms at half peak | ${peer.name} p50 / p99 ms at half peak | ` +
      `${tessera.name} CPU ms/op (cores; main thread) | ${peer.name} CPU ms/op (cores; main thread) | ${tessera.name} peak RSS | ${peer.name} peak RSS |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const scenario of report.scenarios) {
    const t = cell(tessera, scenario);
    const p = cell(peer, scenario);
    const ratio = Number.isFinite(t.value / p.value) ? `${(t.value / p.value).toFixed(2)}x` : '-';
    let ofCeiling = '';
    if (scenario.ceiling) {
      const limit = ceilings[scenario.ceiling].perSecond;
      const pct = (v: number) => (Number.isNaN(v) ? '-' : `${((100 * v) / limit).toFixed(0)} %`);
      ofCeiling = `${pct(t.value)} (${pct(p.value)}) of ${scenario.ceiling === 'rs256' ? 'RS256' : 'argon2id'}`;
    }
    lines.push(
      `| ${scenario.title} | ${t.rate} | ${p.rate} | ${ratio} | ${ofCeiling} | ${t.latency} | ${p.latency} | ` +
        `${t.halfPeak} | ${p.halfPeak} | ${t.cpu} | ${p.cpu} | ${t.rss} | ${p.rss} |`,
    );
  }
  lines.push('');
  lines.push(
    ...targetLines(new Set(report.scenarios.map((s) => s.id)), tessera, peer, {
      ceilings,
      workers: report.workers,
      floor: report.floor,
    }),
  );
  for (const run of [tessera, peer]) {
    lines.push(
      `- ${run.name}: ready ${Math.round(run.readyMs)} ms after spawn with ${mb(run.idleRss)} resident; ` +
        `peak RSS over the whole run (start-up and each scenario's setup too) ${mb(run.peakRss)} ` +
        `over ${run.processes} node process${run.processes === 1 ? '' : 'es'}.`,
    );
  }
  lines.push('');
  return lines;
}

const HEADER = `# Benchmark results

Appended by \`npm run bench\` (bench/run.ts; see bench/README.md), newest last. Both servers run on
loopback in their own processes; each scenario runs on Tessera, then on the peer, driven by the same undici
load loop in the bench process, which shares the machine's cores with them. Compare rows within one run:
ops/s across runs and machines are noisy; CPU ms/op is steadier.
`;

export function appendResults(file: string, markdown: string): void {
  if (!existsSync(file)) writeFileSync(file, HEADER);
  appendFileSync(file, `\n${markdown}`);
}
