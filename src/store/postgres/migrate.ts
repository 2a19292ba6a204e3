// Applies the versioned, forward-only SQL migrations beside this file, in one transaction, one node at a time.
import type pg from 'pg';
import { sourceAsset } from '../../shared/paths.ts';
import { type Migration, readMigrations } from '../migration-files.ts';
import { assertStartable, BOOKKEEPING_COLUMNS, type RecordedMigration } from '../schema-compat.ts';
import { transaction } from './tx.ts';

const MIGRATIONS = readMigrations(sourceAsset('store', 'postgres', 'migrations'));

/** The highest migration this node knows: the schema it was built for. */
export const NODE_SCHEMA = Math.max(...MIGRATIONS.map((m) => m.version));

/** Advisory lock key (arbitrary, fixed) that every Tessera node migrating this database queues on. */
const MIGRATION_LOCK = 7_465_737_365_001;

export function migrations(): Migration[] {
  return [...MIGRATIONS];
}

export const RECORDED_MIGRATIONS =
  'SELECT version, name, kind, compatible_from AS "compatibleFrom" FROM schema_migrations ORDER BY version';

/** Refuses (IncompatibleSchemaError) a schema with a breaking migration this node does not know; else migrates. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  return transaction(pool, async (client) => {
    // Taken before anything else: CREATE TABLE IF NOT EXISTS is not safe against a concurrent create, and a
    // node that waited here must see the versions the first node applied. Released at COMMIT or ROLLBACK.
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    // Looked up first: ALTER TABLE would lock the table, and every running node's readiness probe with it,
    // until COMMIT, even when the column is there.
    const present = await client.query<{ attname: string }>(
      "SELECT attname FROM pg_attribute WHERE attrelid = 'schema_migrations'::regclass AND NOT attisdropped",
    );
    for (const column of BOOKKEEPING_COLUMNS)
      if (!present.rows.some((c) => c.attname === column.name))
        await client.query(`ALTER TABLE schema_migrations ADD COLUMN ${column.name} ${column.type}`);
    const recorded = await client.query<RecordedMigration>(RECORDED_MIGRATIONS);
    assertStartable(recorded.rows, NODE_SCHEMA);
    const done = new Set(recorded.rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      // No parameters: pg then uses the simple query protocol, which accepts a file of several statements.
      await client.query(m.sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, applied_at, kind, compatible_from) VALUES ($1, $2, $3, $4, $5)',
        [m.version, m.name, Math.floor(Date.now() / 1000), m.kind, m.compatibleFrom],
      );
      applied.push(m.version);
    }
    return applied;
  });
}
