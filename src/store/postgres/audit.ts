// PostgreSQL AuditStore: security events appended to one table, listed by filter, purged by age.
import type pg from 'pg';
import { AUDIT_INSERT_COLUMNS, auditFromRow, auditInsertValues, auditListQuery } from '../audit-sql.ts';
import type { AuditStore } from '../ports/index.ts';
import type { Row } from './rows.ts';

export function postgresAudit(pool: pg.Pool): AuditStore {
  return {
    async record(event) {
      await pool.query(
        `INSERT INTO audit_events ${AUDIT_INSERT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        auditInsertValues(event),
      );
    },
    async list(filter) {
      const { text, values } = auditListQuery(filter, (n) => `$${n}`);
      return (await pool.query<Row>(text, values)).rows.map(auditFromRow);
    },
    async purge(before) {
      return (await pool.query('DELETE FROM audit_events WHERE at < $1', [before])).rowCount ?? 0;
    },
  };
}
