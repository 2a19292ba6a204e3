// The load driver. Closed loop (runLoad): N virtual users each repeat one async operation back to back, for peak
// ops/s. Open loop (runAtRate): operations start on a fixed schedule whatever the server's pace, for latency.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep, setImmediate as yieldToEvents } from 'node:timers/promises';

export interface WindowOptions {
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

export interface RateOptions extends WindowOptions {
  /** Operations started per second, round-robin over the virtual users' states. */
  rate: number;
  /** At most this many operations run at once; one that falls due while they do is dropped as late. */
  maxInFlight: number;
}

export interface RateResult {
  /** The arrival rate asked for, per second. */
  rate: number;
  /** Operations due inside the measured window that completed without error. */
  ops: number;
  errors: number;
  /** Operations due inside the measured window that never started: maxInFlight were already running. */
  late: number;
  /** Milliseconds from each operation's scheduled start (not its actual one) to its end, over `ops`. */
  p50: number;
  p99: number;
  firstError?: string;
}

/** A per-user operation; `setup` runs once for each virtual user before the clock starts. */
export interface Workload<S> {
  setup(user: number): Promise<S>;
  operation(state: S, user: number): Promise<void>;
}

/** Gives up on a run whose every operation fails, instead of spinning for the whole duration. */
const MAX_ERRORS_WITHOUT_SUCCESS = 50;

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Sets up the virtual users, one state each; runLoad and runAtRate can then share them. */
export function setupUsers<S>(workload: Workload<S>, users: number): Promise<S[]> {
  return Promise.all(Array.from({ length: users }, (_, user) => workload.setup(user)));
}

class Latencies {
  private values = new Float64Array(4096);
  count = 0;

  record(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  percentiles(): { p50: number; p99: number } {
    const sorted = this.values.slice(0, this.count).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
}

class Outcomes {
  successes = 0;
  errors = 0;
  firstError: string | undefined;
  aborted = false;

  fail(error: unknown): void {
    this.errors++;
    this.firstError ??= (error as Error).message;
    if (this.successes === 0 && this.errors >= MAX_ERRORS_WITHOUT_SUCCESS) this.aborted = true;
  }
}

/** The measured window, from the end of the warm-up for durationMs; the clock starts now. */
function measuredWindow(options: WindowOptions) {
  const start = performance.now();
  const opensAt = start + options.warmupMs;
  const closesAt = opensAt + options.durationMs;
  // Timers mark the window's edges; when the run ends a hair before a timer is due, finish() calls it instead.
  const edge = (fn: (() => void) | undefined) => {
    let done = false;
    return () => {
      if (!done) fn?.();
      done = true;
    };
  };
  const open = edge(options.window?.open);
  const close = edge(options.window?.close);
  const opens = setTimeout(open, Math.max(0, opensAt - performance.now()));
  const closes = setTimeout(close, Math.max(0, closesAt - performance.now()));
  return {
    start,
    closesAt,
    contains: (t: number) => t >= opensAt && t <= closesAt,
    finish() {
      clearTimeout(opens);
      clearTimeout(closes);
      open();
      close();
    },
  };
}

/** Closed loop: each virtual user starts its next operation when the last one ends. */
export async function runLoad<S>(
  workload: Workload<S>,
  states: readonly S[],
  options: WindowOptions,
): Promise<LoadResult> {
  const window = measuredWindow(options);
  const latencies = new Latencies();
  const outcomes = new Outcomes();

  const loop = async (state: S, user: number) => {
    while (!outcomes.aborted) {
      const began = performance.now();
      if (began >= window.closesAt) return;
      try {
        await workload.operation(state, user);
        outcomes.successes++;
        const ended = performance.now();
        // Throughput counts completions inside the window, so slow operations straddling its edges are not lost.
        if (window.contains(ended)) latencies.record(ended - began);
      } catch (error) {
        outcomes.fail(error);
      }
    }
  };
  try {
    await Promise.all(states.map(loop));
  } finally {
    window.finish();
  }

  return {
    ops: latencies.count,
    opsPerSec: outcomes.aborted ? 0 : latencies.count / (options.durationMs / 1000),
    errors: outcomes.errors,
    ...latencies.percentiles(),
    ...(outcomes.firstError === undefined ? {} : { firstError: outcomes.firstError }),
  };
}

/**
 * Open loop: operation i is due at start + i / rate whether or not earlier ones have finished, and is timed from
 * then, so queueing (in the server, the connection pool or this driver) shows in the latencies instead of slowing
 * the arrivals down (coordinated omission). Nothing new starts after the window; what is due inside it is awaited.
 * Operations on one user's state may overlap. The HTTP pool has one connection per user: requests beyond that
 * wait in undici's queue, never for each other, since each operation reads every response before the next request.
 */
export async function runAtRate<S>(
  workload: Workload<S>,
  states: readonly S[],
  options: RateOptions,
): Promise<RateResult> {
  const window = measuredWindow(options);
  const latencies = new Latencies();
  const outcomes = new Outcomes();
  const interval = 1000 / options.rate;
  const running = new Set<Promise<void>>();
  let late = 0;

  const run = async (due: number, user: number) => {
    try {
      await workload.operation(states[user]!, user);
      outcomes.successes++;
      if (window.contains(due)) latencies.record(performance.now() - due);
    } catch (error) {
      outcomes.fail(error);
    }
  };
  try {
    for (let i = 0; !outcomes.aborted; i++) {
      const due = window.start + i * interval;
      if (due >= window.closesAt) break;
      const wait = due - performance.now();
      // Timers fire to about a millisecond, so overdue operations start in small bursts; each yields once, so
      // completions are seen before the in-flight bound is checked.
      await (wait > 0 ? sleep(wait) : yieldToEvents());
      if (running.size >= options.maxInFlight) {
        if (window.contains(due)) late++;
        continue;
      }
      const op: Promise<void> = run(due, i % states.length).finally(() => running.delete(op));
      running.add(op);
    }
    await Promise.all(running);
  } finally {
    window.finish();
  }

  return {
    rate: options.rate,
    ops: latencies.count,
    errors: outcomes.errors,
    late,
    ...latencies.percentiles(),
    ...(outcomes.firstError === undefined ? {} : { firstError: outcomes.firstError }),
  };
}
