// Applies the versioned, forward-only SQL migrations beside this file, in one transaction, one node at a time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { sourceAsset } from '../../shared/paths.ts';
import { transaction } from './tx.ts';

const DIR = sourceAsset('store', 'postgres', 'migrations');

/** Advisory lock key (arbitrary, fixed) that every Tessera node migrating this database queues on. */
const MIGRATION_LOCK = 7_465_737_365_001;

export function migrations(): { version: number; name: string; sql: string }[] {
  return readdirSync(DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({
      version: Number.parseInt(name, 10),
      name,
      sql: readFileSync(join(DIR, name), 'utf8'),
    }));
}

export async function migrate(pool: pg.Pool): Promise<number[]> {
  return transaction(pool, async (client) => {
    // Taken before anything else: CREATE TABLE IF NOT EXISTS is not safe against a concurrent create, and a
    // node that waited here must see the versions the first node applied. Released at COMMIT or ROLLBACK.
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const present = new Set(done.rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations()) {
      if (present.has(m.version)) continue;
      // No parameters: pg then uses the simple query protocol, which accepts a file of several statements.
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Math.floor(Date.now() / 1000),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
