// `tessera start`: runs the server (one process, or a cluster of workers sharing the port) and prints where things are.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Overrides } from '../config/load.ts';
import type { Tessera } from '../main.ts';
import { serveClusterMetrics } from '../metrics/cluster.ts';
import { workerEnv, workerExecArgv } from '../runtime/node-tuning.ts';
import { fail } from './common.ts';
import { createLogger } from './logger.ts';

export interface StartOptions extends Overrides {
  workers?: string | undefined;
}

const BANNER_MESSAGE = 'tessera:banner';

function workerCount(value: string | undefined): number {
  const raw = value ?? process.env['TESSERA_WORKERS'] ?? '1';
  if (raw === 'auto') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    return fail(`--workers must be a number from 1 to 256, or "auto" (got "${raw}")`);
  return n;
}

function banner(
  tessera: Tessera,
  describeStore: (config: Tessera['config']) => string,
  describeMasterKey: (key: Tessera['masterKey']) => string,
  workers: number,
): string {
  const { endpoints, config } = tessera;
  const live = tessera.live();
  return [
    '',
    `  Tessera is running${workers > 1 ? ` (${workers} workers)` : ''}`,
    `  issuer:     ${endpoints.issuer}`,
    `  discovery:  ${endpoints.discovery}`,
    `  config:     ${config.file ?? '(defaults; pass --config FILE)'} + revision ${live.revision} in ${describeStore(config)}`,
    `  master key: ${describeMasterKey(tessera.masterKey)}${tessera.masterKey.source === 'file' ? ' (development only: set TESSERA_MASTER_KEY in production)' : ''}`,
    `  email:      ${tessera.mailDestination}`,
    `  clients:    ${live.clients.size === 0 ? 'none yet: npm run tessera -- client create --help' : [...live.clients.keys()].join(', ')}`,
    `  admin:      ${tessera.setupLink ? `create the first admin (one-time link): ${tessera.setupLink}` : `${endpoints.base}/admin`}`,
    '',
    '',
  ].join('\n');
}

/** One server process; in a cluster, one worker. Stops gracefully on SIGTERM/SIGINT. */
async function serve(overrides: Overrides, workers: number): Promise<void> {
  // Loaded here, not at the top: a cluster's primary never needs the server code (it stays small).
  const [{ createTessera }, { describeStore }, { describeMasterKey }] = await Promise.all([
    import('../main.ts'),
    import('../runtime/open.ts'),
    import('../keys/master-key.ts'),
  ]);
  const tessera = await createTessera({ overrides, logger: createLogger() });
  const { server } = tessera.config;
  await tessera.app.listen({ port: server.port, host: server.host });
  const text = banner(tessera, describeStore, describeMasterKey, workers);
  if (cluster.isWorker) process.send?.({ type: BANNER_MESSAGE, text });
  else process.stdout.write(text);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    tessera.app.log.info({ signal }, 'shutting down');
    // close() stops accepting and lets in-flight requests finish; idle keep-alive connections are closed
    // as they become idle, so a client holding one open cannot keep the process alive.
    const idle = setInterval(() => tessera.app.server.closeIdleConnections(), 100);
    tessera.app.server.closeIdleConnections();
    tessera.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    idle.unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * The primary forks one worker, which prepares the database (migrations, first keys, first revision),
 * then the others, and supervises them: a worker that dies is replaced.
 */
function supervise(workers: number): void {
  // The kernel hands connections to the workers directly: with round-robin, a connection the primary
  // accepted just as a worker died would be handed to the dead worker and lost.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let stopping = false;
  let bannerShown = false;
  const restarts: number[] = [];
  // Workers run with the heap limits and malloc settings `npm start` gives a single process
  // (runtime/node-tuning.ts), unless the primary was started with its own.
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv) });
  const fork = () => cluster.fork({ TESSERA_CLUSTER_WORKER: '1', ...workerEnv(process.env) });
  cluster.on('message', (_worker, message: { type?: string; text?: string }) => {
    if (message?.type !== BANNER_MESSAGE || bannerShown) return;
    bannerShown = true;
    process.stdout.write(message.text ?? '');
    for (let i = 1; i < workers; i++) fork();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    // A worker that keeps dying at once points at a broken setup, not a fluke: stop instead of looping.
    if (restarts.length > workers * 5 || !bannerShown) {
      process.stderr.write('error: workers keep exiting; giving up (see the log above)\n');
      process.exit(1);
    }
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement\n`);
    fork();
  });
  serveClusterMetrics();
  fork();

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
  const workers = workerCount(requested);
  if (cluster.isWorker || workers === 1) return serve(overrides, workers);
  supervise(workers);
}
