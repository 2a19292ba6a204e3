// SQLite AuditStore: security events appended to one table, listed by filter, purged by age.
import type Database from 'better-sqlite3';
import { AUDIT_INSERT_COLUMNS, auditFromRow, auditInsertValues, auditListQuery } from '../audit-sql.ts';
import type { AuditStore } from '../ports/index.ts';
import type { Row } from './rows.ts';

export function createSqliteAudit(db: Database.Database): AuditStore {
  const insert = db.prepare(`INSERT INTO audit_events ${AUDIT_INSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const purge = db.prepare('DELETE FROM audit_events WHERE at < ?');
  return {
    async record(event) {
      insert.run(...auditInsertValues(event));
    },
    async list(filter) {
      const { text, values } = auditListQuery(filter, () => '?');
      return (db.prepare(text).all(...values) as Row[]).map(auditFromRow);
    },
    async purge(before) {
      return purge.run(before).changes;
    },
  };
}
