// `tessera start`: runs the server (one process, or a cluster of workers sharing the port) and prints where things are.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Overrides } from '../config/load.ts';
import { serveClusterMetrics } from '../http/plugins/metrics.ts';
import { createTessera, describeStore, type Tessera } from '../main.ts';
import { fail } from './common.ts';
import { createLogger } from './logger.ts';

export interface StartOptions extends Overrides {
  workers?: string | undefined;
}

function workerCount(value: string | undefined): number {
  const raw = value ?? process.env['TESSERA_WORKERS'] ?? '1';
  if (raw === 'auto') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    return fail(`--workers must be a number from 1 to 256, or "auto" (got "${raw}")`);
  return n;
}

function banner(tessera: Tessera, workers: number): string {
  const { endpoints, config } = tessera;
  const live = tessera.live();
  return [
    '',
    `  Tessera is running${workers > 1 ? ` (${workers} workers)` : ''}`,
    `  issuer:     ${endpoints.issuer}`,
    `  discovery:  ${endpoints.discovery}`,
    `  config:     ${config.file ?? '(defaults; pass --config FILE)'} + revision ${live.revision} in ${describeStore(config)}`,
    `  master key: ${tessera.masterKey.source === 'environment' ? 'TESSERA_MASTER_KEY' : `${tessera.masterKey.location} (development only: set TESSERA_MASTER_KEY in production)`}`,
    `  clients:    ${live.clients.size === 0 ? 'none yet: npm run tessera -- client create --help' : [...live.clients.keys()].join(', ')}`,
    '',
    '',
  ].join('\n');
}

/** One server process; in a cluster, one worker. Stops gracefully on SIGTERM/SIGINT. */
async function serve(overrides: Overrides, announce: boolean): Promise<void> {
  const tessera = await createTessera({ overrides, logger: createLogger() });
  const { server } = tessera.config;
  await tessera.app.listen({ port: server.port, host: server.host });
  if (announce) process.stdout.write(banner(tessera, 1));
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    tessera.app.log.info({ signal }, 'shutting down');
    // close() stops accepting, lets in-flight requests finish, then closes the store.
    tessera.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** The primary prepares the database once (migrations, keys, first revision), then forks and supervises workers. */
async function supervise(overrides: Overrides, workers: number): Promise<void> {
  const prepared = await createTessera({ overrides });
  const text = banner(prepared, workers);
  await prepared.close();

  let stopping = false;
  let listening = 0;
  const restarts: number[] = [];
  const fork = () => cluster.fork({ TESSERA_CLUSTER_WORKER: '1' });
  cluster.on('listening', () => {
    listening += 1;
    if (listening === workers) process.stdout.write(text);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    // A worker that keeps dying at once points at a broken setup, not a fluke: stop instead of looping.
    if (restarts.length > workers * 5) {
      process.stderr.write('error: workers keep exiting; giving up (see the log above)\n');
      process.exit(1);
    }
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement\n`);
    fork();
  });
  serveClusterMetrics();
  for (let i = 0; i < workers; i++) fork();

  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

export async function start(options: StartOptions): Promise<void> {
  const { workers: requested, ...overrides } = options;
  if (cluster.isWorker) return serve(overrides, false);
  const workers = workerCount(requested);
  if (workers === 1) return serve(overrides, true);
  return supervise(overrides, workers);
}
