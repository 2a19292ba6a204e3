// Metrics across a worker cluster: each worker lends its registry, and the primary sums them all, so one
// scrape of /metrics on any worker sees the whole server. Both ends of the IPC exchange live here.
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'tessera:metrics-request';
const RESPONSE = 'tessera:metrics-response';
const TIMEOUT_MS = 5000;

let joined = false;
let pending = 0;
const waiting = new Map<number, (text: string) => void>();

/** In a worker: lets the primary's aggregator collect `registry`, and listens for the primary's answers. */
export function joinClusterMetrics(registry: Registry): void {
  if (!joined) {
    joined = true;
    // Constructing one installs prom-client's worker-side listener; the primary's AggregatorRegistry asks it.
    new AggregatorRegistry();
    process.on('message', (message: { type?: string; id?: number; text?: string }) => {
      if (message?.type !== RESPONSE || message.id === undefined) return;
      waiting.get(message.id)?.(message.text ?? '');
      waiting.delete(message.id);
    });
  }
  AggregatorRegistry.setRegistries([registry]);
}

/** In a worker: asks the primary (serveClusterMetrics) for the cluster-wide metrics text. */
export function clusterMetrics(): Promise<string> {
  const id = ++pending;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('metrics aggregation timed out'));
    }, TIMEOUT_MS);
    waiting.set(id, (text) => {
      clearTimeout(timer);
      resolve(text);
    });
    process.send?.({ type: REQUEST, id });
  });
}

/** The primary's side (see supervise in cli/start.ts): answers workers' requests with every worker's metrics summed. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text }),
      (error: Error) => worker.send({ type: RESPONSE, id: message.id, text: `# error: ${error.message}\n` }),
    );
  });
}
