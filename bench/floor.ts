// Measures the HTTP floor: the client-credentials request against a bare node:http server (servers/floor-main.mjs)
// with the same driver, connections and virtual users as the scenarios, so a server's CPU per operation can be
// read against what HTTP alone costs on this machine.
import { join } from 'node:path';
import { basicAuth, HttpClient } from './http.ts';
import { runLoad, setupUsers } from './load.ts';
import { cpuTime, cpuWindow, freePort, spawnServer } from './servers/process.ts';
import { BENCH_MACHINE_CLIENT } from './servers/target.ts';

const MAIN = new URL('./servers/floor-main.mjs', import.meta.url).pathname;

export interface Floor {
  /** The bare server's CPU (all threads) per request, in ms. */
  cpuMsPerOp: number;
  opsPerSec: number;
}

export async function measureFloor(options: {
  dir: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}): Promise<Floor> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await spawnServer({
    args: [MAIN],
    env: { ...process.env, FLOOR_PORT: String(port) },
    logFile: join(options.dir, 'floor.log'),
    readyUrl: `${origin}/ready`,
  });
  const http = new HttpClient(origin, options.concurrency);
  try {
    const form = { grant_type: 'client_credentials', scope: BENCH_MACHINE_CLIENT.scope };
    const headers = {
      authorization: basicAuth(BENCH_MACHINE_CLIENT.client_id, BENCH_MACHINE_CLIENT.secret),
      accept: 'application/json',
    };
    const workload = {
      setup: async () => undefined,
      async operation() {
        const response = await http.post('/token', { form, headers });
        if (response.status !== 200) throw new Error(`the floor server answered ${response.status}`);
      },
    };
    const cpu = cpuWindow(() => cpuTime(server.pid));
    const load = await runLoad(workload, await setupUsers(workload, options.concurrency), {
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      window: cpu,
    });
    const cpuMsPerOp = load.ops > 0 ? (1000 * cpu.spent.all) / load.ops : Number.NaN;
    return { cpuMsPerOp, opsPerSec: load.opsPerSec };
  } finally {
    await http.close();
    await server.stop();
  }
}
