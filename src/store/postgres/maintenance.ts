// Housekeeping on PostgreSQL: a lease so one node at a time purges expired rows, and a health probe.
import type pg from 'pg';
import { StoreUnavailableError } from '../ports/errors.ts';
import type { MaintenanceStore, StoreReadiness } from '../ports/index.ts';
import { schemaCheck, unreachable } from '../readiness.ts';
import type { RecordedMigration } from '../schema-compat.ts';
import { NODE_SCHEMA, RECORDED_MIGRATIONS } from './migrate.ts';
import { SCHEMA_MISMATCH } from './unavailable.ts';

// Longer than the gap between runs, so the node that holds the job keeps it while it is alive.
const LEASE_SECONDS = 120;

export function postgresMaintenance(pool: pg.Pool): MaintenanceStore {
  return {
    async purgeExpired(holder, now, batch) {
      // Committed on its own: holding the lease row locked through the purge would stall the other nodes'
      // attempts instead of turning them away. ON CONFLICT makes two first-time takers race safely.
      const lease = await pool.query(
        'INSERT INTO maintenance_leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE maintenance_leases.holder = excluded.holder OR maintenance_leases.expires_at < $4',
        ['cleanup', holder, now + LEASE_SECONDS, now],
      );
      if (lease.rowCount === 0) return null;
      // One statement, one round trip. SKIP LOCKED leaves rows that a request holds locked to the next run
      // instead of waiting on them.
      const { rows } = await pool.query<{ deleted: string }>(
        `WITH c AS (
           DELETE FROM codes WHERE hash IN
             (SELECT hash FROM codes WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), t AS (
           DELETE FROM tokens WHERE hash IN
             (SELECT hash FROM tokens WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), s AS (
           DELETE FROM sessions WHERE id_hash IN
             (SELECT id_hash FROM sessions WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), f AS (
           DELETE FROM login_failures WHERE key_hash IN
             (SELECT key_hash FROM login_failures WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), g AS (
           DELETE FROM grants WHERE id IN
             (SELECT id FROM grants WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), r AS (
           DELETE FROM replay_keys WHERE key_hash IN
             (SELECT key_hash FROM replay_keys WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), p AS (
           DELETE FROM pushed_requests WHERE hash IN
             (SELECT hash FROM pushed_requests WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), dc AS (
           DELETE FROM device_codes WHERE hash IN
             (SELECT hash FROM device_codes WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         ), et AS (
           DELETE FROM email_tokens WHERE hash IN
             (SELECT hash FROM email_tokens WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1
         )
         SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM t) + (SELECT count(*) FROM s)
           + (SELECT count(*) FROM f) + (SELECT count(*) FROM g) + (SELECT count(*) FROM r)
           + (SELECT count(*) FROM p) + (SELECT count(*) FROM dc) + (SELECT count(*) FROM et) AS deleted`,
        [now, batch],
      );
      return Number(rows[0]?.deleted ?? 0);
    },
    async readiness(): Promise<StoreReadiness> {
      try {
        const { rows } = await pool.query<RecordedMigration>(RECORDED_MIGRATIONS);
        // Ready on its own schema and on a newer one that only added to it (expand, then contract).
        return { database: { ok: true }, schema: schemaCheck(rows, NODE_SCHEMA) };
      } catch (error) {
        const cause = error instanceof StoreUnavailableError ? error.cause : error;
        // The database answered, but without the bookkeeping table or column this node reads.
        if (SCHEMA_MISMATCH.has((cause as { code?: string })?.code ?? '')) {
          return {
            database: { ok: true },
            schema: {
              ok: false,
              version: null,
              nodeVersion: NODE_SCHEMA,
              reason: `the schema does not match this node: ${(cause as Error).message}`,
            },
          };
        }
        return unreachable(error, NODE_SCHEMA);
      }
    },
    poolStats() {
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
  };
}
