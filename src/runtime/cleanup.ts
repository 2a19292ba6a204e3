// The expired-row cleanup loop: once a minute, on whichever node holds the store's cleanup lease.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../shared/clock.ts';
import type { AuditStore } from '../store/ports/audit.ts';
import type { MaintenanceStore } from '../store/ports/maintenance.ts';
import type { Log } from './log.ts';
import { purgeUnusedClients, type UnusedClientsCleanup } from './registered-cleanup.ts';

const CLEANUP_INTERVAL_MS = 60_000;
/**
 * Rows per table and batch. On SQLite a batch runs on the event loop, so it is kept to a few milliseconds,
 * and requests are served between batches.
 */
const CLEANUP_BATCH = 200;
/** Bounds one run (50,000 rows per table), so a large backlog is worked off over several minutes. */
const MAX_ROUNDS = 250;

/** Deletes expired rows in bounded batches; null on a node without the lease (another node cleans up). */
async function purgeUnderLease(
  maintenance: MaintenanceStore,
  holder: string,
  clock: Clock,
): Promise<number | null> {
  let total = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const deleted = await maintenance.purgeExpired(holder, clock.nowSeconds(), CLEANUP_BATCH);
    if (deleted === null) return round === 0 ? null : total;
    total += deleted;
    if (deleted < CLEANUP_BATCH) return total;
    // Let the requests that arrived during this batch through before the next one.
    await nextTurn();
  }
  return total;
}

/** Deletes expired rows in bounded batches; 0 rows on a node without the lease. */
export async function purgeExpired(
  maintenance: MaintenanceStore,
  holder: string,
  clock: Clock,
): Promise<number> {
  return (await purgeUnderLease(maintenance, holder, clock)) ?? 0;
}

const DAY = 86_400;

/** Deletes audit events older than the retention; 0 days keeps them forever (the lease holder runs it). */
export function purgeAudit(audit: Pick<AuditStore, 'purge'>, retentionDays: number, clock: Clock) {
  if (retentionDays <= 0) return Promise.resolve(0);
  return audit.purge(clock.nowSeconds() - retentionDays * DAY);
}

export interface CleanupDeps {
  maintenance: MaintenanceStore;
  /** The audit log and its retention in days (server.audit.retention_days). */
  audit?: { store: Pick<AuditStore, 'purge'>; retentionDays: number };
  /** Dynamically registered clients left unused past the policy's lifetime (RFC 7591 registrations). */
  registered?: UnusedClientsCleanup | undefined;
  /** This node's name for the lease: one per process. */
  holder: string;
  clock: Clock;
  log: Log;
  intervalMs?: number;
}

/**
 * Starts the loop; the timer never keeps the process alive. Returns the function that stops it. The audit
 * log's and the registered clients' cleanups run only on the node that holds the lease this run (or when
 * the store could not say), so a cluster of nodes does one purge a minute, not one per node.
 */
export function startCleanup(deps: CleanupDeps): () => void {
  const tick = async () => {
    const purged = await purgeUnderLease(deps.maintenance, deps.holder, deps.clock).catch((error) => {
      deps.log.warn({ err: error }, 'cleanup failed');
      return undefined;
    });
    if (purged === null) return;
    const audit = deps.audit;
    if (audit) {
      purgeAudit(audit.store, audit.retentionDays, deps.clock).catch((error) =>
        deps.log.warn({ err: error }, 'audit log cleanup failed'),
      );
    }
    if (deps.registered) {
      purgeUnusedClients(deps.registered, deps.clock).catch((error) =>
        deps.log.warn({ err: error }, 'registered client cleanup failed'),
      );
    }
  };
  const timer = setInterval(() => void tick(), deps.intervalMs ?? CLEANUP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
