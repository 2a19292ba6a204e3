// Child-process plumbing for the servers under test: spawn, wait until ready, measure RSS, always kill.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Milliseconds from spawn to the first 200 from the readiness URL. */
  readyMs: number;
  stop(): Promise<void>;
}

// Plain JavaScript, so it loads in a server that runs without tsx (Tessera's built bundle).
const GUARD = new URL('./orphan-guard.mjs', import.meta.url).href;
const running = new Set<ChildProcess>();

/** Kills every server still running, synchronously, so it also works from an 'exit' handler. */
export function killAll(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  readyUrl: string;
  timeoutMs?: number;
}

/** Starts `node <args>` with stdout and stderr going to logFile, then polls readyUrl until it answers 200. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  hookExit();
  const log = openSync(options.logFile, 'a');
  const began = performance.now();
  // The guard ends the server if the bench dies.
  const args = ['--import', GUARD, ...options.args];
  const child = spawn(process.execPath, args, {
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };

  const deadline = began + (options.timeoutMs ?? 30_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        return { child, pid: child.pid!, logFile: options.logFile, readyMs: performance.now() - began, stop };
      }
    } catch {
      // Not listening yet.
    }
    await sleep(20);
  }
  await stop();
  const tail = readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(`server did not become ready at ${options.readyUrl}; log ${options.logFile}:\n${tail}`);
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The node processes of a server: the process itself and its node descendants (cluster workers). */
export function nodeProcesses(root: number): number[] {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may contain spaces, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    // tsx's esbuild helper is a development-time transpiler, not part of the server's footprint.
    if (pid !== root && !names.get(pid)?.startsWith('node')) return;
    found.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return found;
}

/** Linux reports utime and stime in USER_HZ ticks, which is 100 per second on every mainstream architecture. */
const USER_HZ = 100;

/** utime + stime of a /proc stat file, in ticks; 0 once the process or thread has ended. */
function statTicks(path: string): number {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5); fields[0] here is field 3 (state).
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export interface CpuTime {
  /** CPU seconds (user + system, all threads) used so far by the server's node processes. */
  all: number;
  /**
   * The part of it on each process's main thread, where JavaScript runs: the rest is libuv's pool (signatures,
   * password hashes), V8's collector threads and the server's own worker threads.
   */
  main: number;
}

/** A load window's server CPU: read as it opens and closes, what was used in between lands in `spent`. */
export function cpuWindow(read: () => CpuTime) {
  const spent: CpuTime = { all: 0, main: 0 };
  let start: CpuTime = spent;
  return {
    spent,
    open() {
      start = read();
    },
    close() {
      const now = read();
      spent.all = now.all - start.all;
      spent.main = now.main - start.main;
    },
  };
}

export function cpuTime(root: number): CpuTime {
  let all = 0;
  let main = 0;
  for (const pid of nodeProcesses(root)) {
    all += statTicks(`/proc/${pid}/stat`);
    main += statTicks(`/proc/${pid}/task/${pid}/stat`);
  }
  return { all: all / USER_HZ, main: main / USER_HZ };
}

export interface Rss {
  /** Bytes resident now, summed over the server's node processes. */
  current: number;
  /** Peak resident bytes (VmHWM), summed over them. */
  peak: number;
  processes: number;
}

/**
 * Starts a new peak: writing 5 to clear_refs(5) resets VmHWM to the current resident size, so the next
 * measureRss's peak is the highest point since this call.
 */
export function resetPeakRss(root: number): void {
  for (const pid of nodeProcesses(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // The process ended while we looked.
    }
  }
}

export function measureRss(root: number): Rss {
  const pids = nodeProcesses(root);
  let current = 0;
  let peak = 0;
  for (const pid of pids) {
    current += statusField(pid, 'VmRSS');
    peak += statusField(pid, 'VmHWM');
  }
  return { current, peak, processes: pids.length };
}
