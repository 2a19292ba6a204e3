// Command-line options of `npm run bench`, parsed and checked once.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS, type Scenario } from './scenarios.ts';

const ids = (scenarios: readonly Scenario[]) => scenarios.map((s) => s.id).join(', ');
const HALF_PEAK = SCENARIOS.filter((s) => s.latencyAtHalfPeak);

export const USAGE = `usage: npm run bench -- [options]
  --quick                 about 1 s per scenario (CI)
  --duration <s>          measured seconds per scenario and round (default 5)
  --rounds <n>            rounds per scenario, the servers taking turns; the median round is reported
                          (default 3; 1 with --quick)
  --warmup <s>            warm-up seconds per scenario (default 2)
  --concurrency <n>       virtual users, each with its own connection (default 16)
  --workers <n|auto>      passed to \`tessera start --workers\` (left out unless given)
  --only <ids>            comma-separated scenario ids: ${ids(SCENARIOS)}
  --stores <list>         which pairings run: local (Tessera on SQLite, oidc-provider in memory) and/or
                          shared (Tessera on PostgreSQL, oidc-provider with its Redis adapter); default
                          local,shared (local with --quick)
  --tessera-log-level <l> TESSERA_LOG_LEVEL for Tessera (default: its own default, as \`npm start\` runs)
  --profile <dir>         run both servers with node --cpu-prof, writing .cpuprofile files to <dir>
  --no-half-peak          skip the open-loop latency phase at half the peak rate (${ids(HALF_PEAK)})
  --no-append             print only; do not append to bench/RESULTS.md`;

/** local: each server's embedded default; shared: the stores a cluster of nodes would share. */
export type StoreKind = 'local' | 'shared';
const STORE_KINDS: readonly StoreKind[] = ['local', 'shared'];

export interface BenchOptions {
  quick: boolean;
  durationMs: number;
  warmupMs: number;
  /** Closed-loop rounds per scenario and server, alternating servers; the median round is reported. */
  rounds: number;
  ceilingMs: number;
  concurrency: number;
  workers: string | undefined;
  logLevel: string | undefined;
  profileDir: string | undefined;
  scenarios: readonly Scenario[];
  /** The pairings, in order: each runs a Tessera and a peer on comparable stores. */
  stores: readonly StoreKind[];
  /** The open loop's in-flight bound in the half-peak latency phase; undefined with --no-half-peak. */
  halfPeakInFlight: number | undefined;
  append: boolean;
  /** One line for the report saying how this run was set up. */
  summary: string;
}

/** In the half-peak phase an operation is dropped, and counted late, while this many per virtual user run. */
const HALF_PEAK_IN_FLIGHT_PER_USER = 4;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

export function parseOptions(argv: string[]): BenchOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    usageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (name: string, value: string | undefined, fallback: number): number => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n <= 0) usageError(`--${name} must be a positive number`);
    return n;
  };
  const durationMs = 1000 * positive('duration', values.duration, values.quick ? 1 : 5);
  const rounds = Math.round(positive('rounds', values.rounds, values.quick ? 1 : 3));
  const warmupMs = 1000 * positive('warmup', values.warmup, values.quick ? 0.3 : 2);
  const concurrency = Math.round(positive('concurrency', values.concurrency, 16));
  if (values.workers !== undefined && !/^(auto|[1-9]\d*)$/.test(values.workers)) {
    usageError('--workers must be a positive integer or auto');
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) usageError(`--only: unknown scenario ${unknown.join(', ')}`);
  const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
  const stores = (values.stores ?? (values.quick ? 'local' : 'local,shared')).split(',').map((s) => s.trim());
  const badStore = stores.find((s) => !STORE_KINDS.includes(s as StoreKind));
  if (badStore !== undefined) usageError(`--stores: unknown pairing ${badStore} (local, shared)`);
  const logLevel = values['tessera-log-level'];
  const halfPeakInFlight = values['no-half-peak'] ? undefined : HALF_PEAK_IN_FLIGHT_PER_USER * concurrency;
  const summary =
    `${rounds === 1 ? '1 round' : `median of ${rounds} rounds (the servers taking turns)`} of ` +
    `${durationMs / 1000} s per scenario after ${warmupMs / 1000} s warm-up, ${concurrency} virtual users` +
    (values.workers === undefined ? '' : `, Tessera --workers ${values.workers}`) +
    (logLevel === undefined ? '' : `, TESSERA_LOG_LEVEL=${logLevel}`) +
    `, pairings ${stores.join(', ')}` +
    (values.profile === undefined ? '' : ', both servers under --cpu-prof') +
    (halfPeakInFlight === undefined
      ? ', no half-peak phase'
      : `, half-peak phase with at most ${halfPeakInFlight} operations in flight`);
  return {
    quick: values.quick,
    durationMs,
    warmupMs,
    rounds,
    ceilingMs: values.quick ? 500 : 2000,
    concurrency,
    workers: values.workers,
    logLevel,
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
    scenarios,
    stores: [...new Set(stores)] as StoreKind[],
    halfPeakInFlight,
    append: !values['no-append'],
    summary,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      workers: { type: 'string' },
      only: { type: 'string' },
      stores: { type: 'string' },
      'tessera-log-level': { type: 'string' },
      profile: { type: 'string' },
      'no-half-peak': { type: 'boolean', default: false },
      'no-append': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
}
