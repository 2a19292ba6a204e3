// The audit log's SQL, one builder for both engines: the WHERE clause a filter makes, and a row read back.
import type { AuditDetail, AuditFilter, AuditType, StoredAuditEvent } from './ports/audit.ts';

export interface AuditQuery {
  text: string;
  values: unknown[];
}

/** The list query; `param(n)` writes the engine's placeholder (`?` or `$n`). */
export function auditListQuery(filter: AuditFilter, param: (n: number) => string): AuditQuery {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(param(values.length)));
  };
  if (filter.accountId !== undefined) add((p) => `account_id = ${p}`, filter.accountId);
  if (filter.clientId !== undefined) add((p) => `client_id = ${p}`, filter.clientId);
  if (filter.types !== undefined) {
    if (filter.types.length === 0) where.push('1 = 0');
    else {
      const ps = filter.types.map((t) => {
        values.push(t);
        return param(values.length);
      });
      where.push(`type IN (${ps.join(', ')})`);
    }
  }
  if (filter.from !== undefined) add((p) => `at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `at <= ${p}`, filter.to);
  if (filter.before !== undefined) add((p) => `id < ${p}`, filter.before);
  if (filter.after !== undefined) add((p) => `id > ${p}`, filter.after);
  const order = filter.after === undefined ? 'DESC' : 'ASC';
  values.push(Math.max(0, Math.floor(filter.limit)));
  const text = `SELECT id, at, type, account_id, client_id, actor, address, detail FROM audit_events${
    where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
  } ORDER BY id ${order} LIMIT ${param(values.length)}`;
  return { text, values };
}

/** A row as the port returns it: absent columns are left out, numbers come back as numbers (pg's BIGINT is a string). */
export function auditFromRow(row: Record<string, unknown>): StoredAuditEvent {
  const event: StoredAuditEvent = {
    id: Number(row['id']),
    at: Number(row['at']),
    type: row['type'] as AuditType,
  };
  if (row['account_id'] != null) event.accountId = row['account_id'] as string;
  if (row['client_id'] != null) event.clientId = row['client_id'] as string;
  if (row['actor'] != null) event.actor = row['actor'] as string;
  if (row['address'] != null) event.address = row['address'] as string;
  if (row['detail'] != null) event.detail = JSON.parse(row['detail'] as string) as AuditDetail;
  return event;
}

/** The insert's values in column order: at, type, account_id, client_id, actor, address, detail. */
export function auditInsertValues(event: StoredAuditEvent | Omit<StoredAuditEvent, 'id'>): unknown[] {
  return [
    event.at,
    event.type,
    event.accountId ?? null,
    event.clientId ?? null,
    event.actor ?? null,
    event.address ?? null,
    event.detail === undefined || Object.keys(event.detail).length === 0
      ? null
      : JSON.stringify(event.detail),
  ];
}

export const AUDIT_INSERT_COLUMNS = '(at, type, account_id, client_id, actor, address, detail)';
