// Prometheus metrics: requests by route and status, latency histograms, tokens issued, logins. Served at /metrics.
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { clusterMetrics, joinClusterMetrics } from '../../metrics/cluster.ts';

export interface Metrics {
  registry: Registry;
  tokensIssued: Counter<'grant_type'>;
  logins: Counter<'result'>;
  poolInUse: Gauge;
  poolWaiting: Gauge;
}

/** `pool` reports the database pool when the store has one (PostgreSQL). */
export function createMetrics(pool?: () => { total: number; idle: number; waiting: number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  if (cluster.isWorker) joinClusterMetrics(registry);
  return {
    registry,
    tokensIssued: new Counter({
      name: 'tessera_tokens_issued_total',
      help: 'Token responses issued, by grant type',
      labelNames: ['grant_type'],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'tessera_logins_total',
      help: 'Password logins by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    poolInUse: new Gauge({
      name: 'tessera_db_connections_in_use',
      help: 'Database connections checked out of the pool',
      registers: [registry],
      collect() {
        const stats = pool?.();
        if (stats) this.set(stats.total - stats.idle);
      },
    }),
    poolWaiting: new Gauge({
      name: 'tessera_db_pool_waiting',
      help: 'Requests waiting for a database connection',
      registers: [registry],
      collect() {
        const stats = pool?.();
        if (stats) this.set(stats.waiting);
      },
    }),
  };
}

export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  const requests = new Counter({
    name: 'tessera_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [metrics.registry],
  });
  const latency = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: bounded label values, and no query strings in metrics.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    latency.observe({ route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    // In a worker cluster the primary sums every worker's metrics, so one scrape sees the whole server.
    const text = cluster.isWorker ? await clusterMetrics() : await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
