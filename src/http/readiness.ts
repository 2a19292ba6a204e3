// /health/ready: each check named with its state and reason, and a change of state logged once, not per probe.
import type { FastifyBaseLogger } from 'fastify';
import type { StoreReadiness } from '../store/ports/index.ts';

export interface ReadinessDeps {
  /** The store's probe: database reachable, schema one this node can run with. */
  store(): Promise<StoreReadiness>;
  /** Signing keys were decrypted and loaded. */
  keysLoaded(): boolean;
  /** The config revision this node serves. */
  revision(): number;
}

/** The body of /health/ready: nothing secret, nothing about where the database lives. */
export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  checks: {
    database: { ok: boolean; reason?: string };
    schema: { ok: boolean; version: number | null; node_version: number | null; reason?: string };
    keys: { ok: boolean };
    config: { ok: boolean; revision: number };
  };
}

function report(store: StoreReadiness, keysLoaded: boolean, revision: number): ReadinessReport {
  const { database, schema } = store;
  const checks: ReadinessReport['checks'] = {
    database: database.ok ? { ok: true } : { ok: false, reason: database.reason },
    schema: {
      ok: schema.ok,
      version: schema.version,
      node_version: schema.nodeVersion,
      ...(schema.reason === undefined ? {} : { reason: schema.reason }),
    },
    keys: { ok: keysLoaded },
    // A revision that failed to compile leaves the last good one live (logged by the follower): every node
    // would fail alike, so taking them out of the load balancer would only turn a bad commit into an outage.
    config: { ok: true, revision },
  };
  const ready = checks.database.ok && checks.schema.ok && checks.keys.ok && checks.config.ok;
  return { status: ready ? 'ready' : 'unavailable', checks };
}

/** Why a report is not ready, in one line; empty when it is. */
export function reasons(r: ReadinessReport): string {
  const { database, schema, keys } = r.checks;
  return [
    database.ok ? '' : `database: ${database.reason}`,
    schema.ok ? '' : `schema: ${schema.reason}`,
    keys.ok ? '' : 'keys: not loaded',
  ]
    .filter(Boolean)
    .join('; ');
}

/** A probe that remembers the last answer: a node listens only once ready, so that is where it starts. */
export function readinessProbe(deps: ReadinessDeps, log: FastifyBaseLogger): () => Promise<ReadinessReport> {
  let last = '';
  return async () => {
    const store = await deps.store();
    const current = report(store, deps.keysLoaded(), deps.revision());
    const why = reasons(current);
    if (why !== last) {
      last = why;
      const detail = store.database.ok ? undefined : store.database.detail;
      if (why) log.warn({ readiness: current.checks, detail }, `not ready: ${why}`);
      else log.info({ readiness: current.checks }, 'ready again');
    }
    return current;
  };
}
