// Measures the machine's limits with every core busy: RS256 signatures/s and argon2id hashes/s.
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CeilingKind, CeilingReport, CeilingRequest } from './ceiling-worker.ts';

const WORKER = fileURLToPath(new URL('./ceiling-worker.ts', import.meta.url));

export interface CeilingResult {
  kind: CeilingKind;
  /** Operations per second, summed over all cores. */
  perSecond: number;
  processes: number;
}

/** A ceiling sampled before and after the scenarios: on a shared machine it drifts, so both are shown. */
export interface Ceiling {
  /** The mean of the samples, used for "% of ceiling". */
  perSecond: number;
  samples: number[];
  processes: number;
  /** The same operation in a single process, to show how far the cores really scale (not in --quick). */
  oneProcess: number | undefined;
}

export type Ceilings = Record<CeilingKind, Ceiling>;

export async function sampleCeilings(
  durationMs: number,
  options: { previous?: Ceilings; oneProcess: boolean },
): Promise<Ceilings> {
  const { previous } = options;
  const timing = { durationMs, warmupMs: 300 };
  const sample = async (kind: CeilingKind): Promise<Ceiling> => {
    const all = await measureCeiling(kind, timing);
    const before = previous?.[kind];
    const samples = [...(before?.samples ?? []), all.perSecond];
    return {
      perSecond: samples.reduce((a, b) => a + b, 0) / samples.length,
      samples,
      processes: all.processes,
      oneProcess:
        before?.oneProcess ??
        (options.oneProcess
          ? (await measureCeiling(kind, { ...timing, processes: 1 })).perSecond
          : undefined),
    };
  };
  return { rs256: await sample('rs256'), argon2id: await sample('argon2id') };
}

function message<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`ceiling worker exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (value) => {
      child.off('exit', onExit);
      resolve(value as T);
    });
  });
}

/** One process per core (not threads), each running the operation back to back for `durationMs`. */
export async function measureCeiling(
  kind: CeilingKind,
  options: { durationMs: number; warmupMs: number; processes?: number },
): Promise<CeilingResult> {
  const count = options.processes ?? availableParallelism();
  const children = Array.from({ length: count }, () =>
    fork(WORKER, [kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  try {
    await Promise.all(children.map((child) => message<string>(child)));
    const request: CeilingRequest = {
      durationMs: options.durationMs,
      startAt: Date.now() + options.warmupMs,
    };
    const reports = await Promise.all(
      children.map((child) => {
        const report = message<CeilingReport>(child);
        child.send(request);
        return report;
      }),
    );
    const perSecond = reports.reduce((sum, r) => sum + r.count / r.seconds, 0);
    return { kind, perSecond, processes: count };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
