// The issues' speed targets, checked against one run's numbers: reported, never asserted (a shared machine's
// speed drifts too much for a pass or fail, so the run's exit status never depends on them).
import type { Ceilings } from './ceilings.ts';
import type { Floor } from './floor.ts';
import type { ScenarioResult, ServerRun } from './report.ts';

/** What a target may compare against besides the two servers: the run's ceilings and settings. */
export interface TargetContext {
  ceilings: Ceilings;
  workers: string | undefined;
  /** The bare node:http server's CPU per client-credentials request in this run (floor.ts). */
  floor: Floor;
}

export interface TargetOutcome {
  /** What was measured, with the numbers behind it. */
  measured: string;
  met: boolean;
}

export interface SpeedTarget {
  /** The scenario the target is about; the target is left out of a run without it. */
  scenario: string;
  text: string;
  /** The outcome, or why there is none (a scenario it needs did not run or did not complete). */
  check(tessera: ServerRun, peer: ServerRun, context: TargetContext): TargetOutcome | string;
}

const x = (n: number) => `${n.toFixed(2)}x`;
/** Issue 15: server CPU per operation, in RS256 signatures measured in the same run. */
const SIGNATURE_BUDGET = { refresh: 1.4, 'session-code-flow': 2.0 } as const;
const ms = (n: number) => n.toFixed(3);

/** The completed result of a scenario, or why there is none. */
function resultOf(run: ServerRun, id: string): ScenarioResult | string {
  const r = run.results.get(id);
  if (r === undefined) return `${id} did not run`;
  if ('failed' in r) return `${run.name} ${id} failed`;
  if (r.load.ops === 0) return `${run.name} ${id} completed nothing`;
  return r;
}

export const TARGETS: readonly SpeedTarget[] = [
  {
    scenario: 'client-credentials',
    text: 'client-credentials: Tessera at least 2x the peer (ops/s); no signature and no password hash on the path',
    check(tessera, peer) {
      const t = resultOf(tessera, 'client-credentials');
      const p = resultOf(peer, 'client-credentials');
      if (typeof t === 'string') return t;
      if (typeof p === 'string') return p;
      const ratio = t.load.opsPerSec / p.load.opsPerSec;
      return {
        measured:
          `${x(ratio)} ops/s; CPU ms/op ${ms(t.cpuMsPerOp)} (${tessera.name}) vs ${ms(p.cpuMsPerOp)} ` +
          `(${peer.name}), ${x(p.cpuMsPerOp / t.cpuMsPerOp)}`,
        met: ratio >= 2,
      };
    },
  },
  {
    scenario: 'dpop-refresh',
    text: "dpop-refresh: Tessera's CPU per DPoP refresh within 1.3x of its plain refresh (same run)",
    check(tessera, peer) {
      const dpop = resultOf(tessera, 'dpop-refresh');
      const plain = resultOf(tessera, 'refresh');
      if (typeof dpop === 'string') return dpop;
      if (typeof plain === 'string') return plain;
      const cpu = dpop.cpuMsPerOp / plain.cpuMsPerOp;
      const ops = plain.load.opsPerSec / dpop.load.opsPerSec;
      const peerDpop = resultOf(peer, 'dpop-refresh');
      const peerPlain = resultOf(peer, 'refresh');
      const peerSide =
        typeof peerDpop === 'string' || typeof peerPlain === 'string'
          ? ''
          : `; ${peer.name}: CPU ${x(peerDpop.cpuMsPerOp / peerPlain.cpuMsPerOp)}, ` +
            `ops/s ${x(peerPlain.load.opsPerSec / peerDpop.load.opsPerSec)}`;
      return {
        measured:
          `CPU ms/op ${ms(dpop.cpuMsPerOp)} / ${ms(plain.cpuMsPerOp)} = ${x(cpu)}; ` +
          `ops/s refresh / dpop-refresh ${x(ops)}${peerSide}`,
        met: cpu <= 1.3,
      };
    },
  },
  ...(['refresh', 'session-code-flow'] as const).map(
    (scenario): SpeedTarget => ({
      scenario,
      text: `${scenario}: Tessera's CPU per operation at most ${SIGNATURE_BUDGET[scenario]}x one RS256 signature's (issue 15)`,
      check: (tessera, _peer, { ceilings }) => {
        const r = resultOf(tessera, scenario);
        if (typeof r === 'string') return r;
        const one = ceilings.rs256.oneProcess;
        if (one === undefined) return 'the one-process RS256 ceiling was not measured (--quick)';
        const signatureMs = 1000 / one;
        const ratio = r.cpuMsPerOp / signatureMs;
        return {
          measured: `${ms(r.cpuMsPerOp)} ms (main thread ${ms(r.mainCpuMsPerOp)}) / ${ms(signatureMs)} ms per signature = ${x(ratio)}`,
          met: ratio <= SIGNATURE_BUDGET[scenario],
        };
      },
    }),
  ),
  {
    scenario: 'client-credentials',
    text: 'client-credentials: at most 0.15 ms of Tessera CPU per grant (issue 15)',
    check(tessera, _peer, { floor }) {
      const r = resultOf(tessera, 'client-credentials');
      if (typeof r === 'string') return r;
      return {
        measured: `${ms(r.cpuMsPerOp)} ms (a bare node:http server answering the same request: ${ms(floor.cpuMsPerOp)} ms)`,
        met: r.cpuMsPerOp <= 0.15,
      };
    },
  },
  {
    scenario: 'refresh',
    text: 'refresh with --workers: at least 60 % of the all-core RS256 ceiling (issue 15)',
    check(tessera, _peer, { ceilings, workers }) {
      if (workers === undefined) return 'the run had no --workers';
      const r = resultOf(tessera, 'refresh');
      if (typeof r === 'string') return r;
      const share = r.load.opsPerSec / ceilings.rs256.perSecond;
      return {
        measured: `${Math.round(r.load.opsPerSec)}/s of ${Math.round(ceilings.rs256.perSecond)}/s = ${(100 * share).toFixed(0)} % (--workers ${workers})`,
        met: share >= 0.6,
      };
    },
  },
  ...(['session-code-flow', 'refresh'] as const).map(
    (scenario): SpeedTarget => ({
      scenario,
      text: `${scenario}: p99 under 25 ms at half of the peak rate (issue 15)`,
      check: (tessera) => {
        const r = resultOf(tessera, scenario);
        if (typeof r === 'string') return r;
        if (r.halfPeak === undefined) return 'no half-peak phase ran (--no-half-peak)';
        return { measured: `p99 ${ms(r.halfPeak.p99)} ms`, met: r.halfPeak.p99 < 25 };
      },
    }),
  ),
  {
    scenario: 'refresh',
    text: 'memory: under 120 MB resident per Tessera process under load, at its peak (issue 15)',
    check(tessera) {
      const peaks = [...tessera.results].flatMap(([id, r]) =>
        'failed' in r ? [] : [{ id, peak: r.peakRss }],
      );
      if (peaks.length === 0) return 'no scenario completed';
      const processes = Math.max(1, tessera.processes);
      const perProcess = (bytes: number) => bytes / processes / 2 ** 20;
      const highest = peaks.reduce((a, b) => (b.peak > a.peak ? b : a));
      return {
        measured:
          `peak ${perProcess(highest.peak).toFixed(0)} MB under ${highest.id}'s load; ` +
          `${perProcess(tessera.peakRss).toFixed(0)} MB over the whole run, start-up and setup (logins) included`,
        met: perProcess(highest.peak) < 120,
      };
    },
  },
  {
    scenario: 'refresh',
    text: 'start: ready in under 1 s on a first start (issue 15)',
    check: (tessera) => ({ measured: `${Math.round(tessera.readyMs)} ms`, met: tessera.readyMs < 1000 }),
  },
];

/** The report's targets table for the scenarios this run had; empty when it had none of them. */
export function targetLines(
  ran: ReadonlySet<string>,
  tessera: ServerRun,
  peer: ServerRun,
  context: TargetContext,
): string[] {
  const targets = TARGETS.filter((t) => ran.has(t.scenario));
  if (targets.length === 0) return [];
  const lines = [
    'Targets (issues 12 and 15; reported, not asserted):',
    '',
    '| target | measured | |',
    '|---|---|---|',
  ];
  for (const target of targets) {
    const outcome = target.check(tessera, peer, context);
    lines.push(
      typeof outcome === 'string'
        ? `| ${target.text} | not measured: ${outcome} | - |`
        : `| ${target.text} | ${outcome.measured} | ${outcome.met ? 'met' : 'missed'} |`,
    );
  }
  return [...lines, ''];
}
