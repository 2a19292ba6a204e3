// Applies the versioned, forward-only SQL migrations beside this file, each in its own transaction.
import type Database from 'better-sqlite3';
import { sourceAsset } from '../../shared/paths.ts';
import { type Migration, readMigrations } from '../migration-files.ts';
import { assertStartable, BOOKKEEPING_COLUMNS, type RecordedMigration } from '../schema-compat.ts';

const MIGRATIONS = readMigrations(sourceAsset('store', 'sqlite', 'migrations'));

/** The highest migration this node knows: the schema it was built for. */
export const NODE_SCHEMA = Math.max(...MIGRATIONS.map((m) => m.version));

export function migrations(): Migration[] {
  return [...MIGRATIONS];
}

export function recordedMigrations(db: Database.Database): RecordedMigration[] {
  return db
    .prepare(
      'SELECT version, name, kind, compatible_from AS compatibleFrom FROM schema_migrations ORDER BY version',
    )
    .all() as RecordedMigration[];
}

/** Refuses (IncompatibleSchemaError) a schema with a breaking migration this node does not know; else migrates. */
export function migrate(db: Database.Database): number[] {
  const prepare = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const columns = db.prepare("SELECT name FROM pragma_table_info('schema_migrations')").all() as {
      name: string;
    }[];
    for (const column of BOOKKEEPING_COLUMNS)
      if (!columns.some((c) => c.name === column.name))
        db.exec(`ALTER TABLE schema_migrations ADD COLUMN ${column.name} ${column.type}`);
    assertStartable(recordedMigrations(db), NODE_SCHEMA);
  });
  prepare.immediate();
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    // IMMEDIATE takes the write lock first, so workers starting together apply each migration once.
    const apply = db.transaction(() => {
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      db.exec(m.sql);
      db.prepare(
        'INSERT INTO schema_migrations (version, name, applied_at, kind, compatible_from) VALUES (?, ?, ?, ?, ?)',
      ).run(m.version, m.name, Math.floor(Date.now() / 1000), m.kind, m.compatibleFrom);
      applied.push(m.version);
    });
    apply.immediate();
  }
  return applied;
}
