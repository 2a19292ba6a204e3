// The load driver: N virtual users loop one async operation with fixed concurrency, warm-up and duration.
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Called when the measured window opens and closes, e.g. to read the server's CPU time. */
  window?: { open(): void; close(): void };
}

export interface LoadResult {
  /** Operations that completed without error inside the measured window. */
  ops: number;
  opsPerSec: number;
  errors: number;
  /** Milliseconds, over the operations inside the measured window. */
  p50: number;
  p99: number;
  firstError?: string;
}

/** A per-user operation; `setup` runs once for each virtual user before the clock starts. */
export interface Workload<S> {
  setup(user: number): Promise<S>;
  operation(state: S, user: number): Promise<void>;
}

/** Gives up on a scenario whose every operation fails, instead of spinning for the whole duration. */
const MAX_ERRORS_WITHOUT_SUCCESS = 50;

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function runLoad<S>(workload: Workload<S>, options: LoadOptions): Promise<LoadResult> {
  const users = Array.from({ length: options.concurrency }, (_, i) => i);
  const states = await Promise.all(users.map((user) => workload.setup(user)));

  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let latencies = new Float64Array(4096);
  let count = 0;
  let errors = 0;
  let successes = 0;
  let firstError: string | undefined;
  let aborted = false;

  const record = (ms: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
  };

  const loop = async (user: number) => {
    const state = states[user]!;
    while (!aborted) {
      const began = performance.now();
      if (began >= stopAt) return;
      try {
        await workload.operation(state, user);
        successes++;
        const ended = performance.now();
        // Throughput counts completions inside the window, so slow operations straddling its edges are not lost.
        if (ended >= measureFrom && ended <= stopAt) record(ended - began);
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
        if (successes === 0 && errors >= MAX_ERRORS_WITHOUT_SUCCESS) aborted = true;
      }
    }
  };
  // Timers mark the window's edges; when the loops end a hair before a timer is due, it is called here instead.
  const edge = (fn: (() => void) | undefined) => {
    let done = false;
    return () => {
      if (!done) fn?.();
      done = true;
    };
  };
  const open = edge(options.window?.open);
  const close = edge(options.window?.close);
  const opens = setTimeout(open, Math.max(0, measureFrom - performance.now()));
  const closes = setTimeout(close, Math.max(0, stopAt - performance.now()));
  try {
    await Promise.all(users.map(loop));
  } finally {
    clearTimeout(opens);
    clearTimeout(closes);
    open();
    close();
  }

  const sorted = latencies.slice(0, count).sort();
  const seconds = options.durationMs / 1000;
  return {
    ops: count,
    opsPerSec: aborted ? 0 : count / seconds,
    errors,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
