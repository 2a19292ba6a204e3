// SQLite MaintenanceStore: expired rows purged in batches under a lease, and the readiness probe.
import type Database from 'better-sqlite3';
import type { MaintenanceStore } from '../ports/index.ts';
import { schemaCheck, unreachable } from '../readiness.ts';
import type { RecordedMigration } from '../schema-compat.ts';
import { NODE_SCHEMA } from './migrate.ts';

const PURGED = [
  'codes',
  'tokens',
  'sessions',
  'login_failures',
  'grants',
  'replay_keys',
  'pushed_requests',
  'device_codes',
  'email_tokens',
] as const;

export function createSqliteMaintenance(db: Database.Database): MaintenanceStore {
  const q = {
    takeLease: db.prepare(
      'INSERT INTO maintenance_leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE maintenance_leases.holder = excluded.holder OR maintenance_leases.expires_at < ?',
    ),
    purge: PURGED.map((table) =>
      db.prepare(
        `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at < ? LIMIT ?)`,
      ),
    ),
    recorded: db.prepare(
      'SELECT version, name, kind, compatible_from AS compatibleFrom FROM schema_migrations ORDER BY version',
    ),
  };
  const purge = db.transaction((holder: string, now: number, batch: number) => {
    // The lease outlives one run, so the same node keeps the job while it is alive.
    if (q.takeLease.run('cleanup', holder, now + 120, now).changes === 0) return null;
    return q.purge.reduce((deleted, statement) => deleted + statement.run(now, batch).changes, 0);
  });
  return {
    async purgeExpired(holder, now, batch) {
      return purge.immediate(holder, now, batch);
    },
    async readiness() {
      try {
        const recorded = q.recorded.all() as RecordedMigration[];
        return { database: { ok: true }, schema: schemaCheck(recorded, NODE_SCHEMA) };
      } catch (error) {
        return unreachable(error, NODE_SCHEMA);
      }
    },
  };
}
