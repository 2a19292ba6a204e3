// The issues' speed targets, checked against one run's numbers: reported, never asserted (a shared machine's
// speed drifts too much for a pass or fail, so the run's exit status never depends on them).
import type { ScenarioResult, ServerRun } from './report.ts';

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
  check(tessera: ServerRun, peer: ServerRun): TargetOutcome | string;
}

const x = (n: number) => `${n.toFixed(2)}x`;
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
];

/** The report's targets table for the scenarios this run had; empty when it had none of them. */
export function targetLines(ran: ReadonlySet<string>, tessera: ServerRun, peer: ServerRun): string[] {
  const targets = TARGETS.filter((t) => ran.has(t.scenario));
  if (targets.length === 0) return [];
  const lines = [
    'Targets (issue 12; reported, not asserted):',
    '',
    '| target | measured | |',
    '|---|---|---|',
  ];
  for (const target of targets) {
    const outcome = target.check(tessera, peer);
    lines.push(
      typeof outcome === 'string'
        ? `| ${target.text} | not measured: ${outcome} | - |`
        : `| ${target.text} | ${outcome.measured} | ${outcome.met ? 'met' : 'missed'} |`,
    );
  }
  return [...lines, ''];
}
