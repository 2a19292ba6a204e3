// PostgreSQL DeviceCodeStore: device authorization requests; each state change is one conditional UPDATE.
import type pg from 'pg';
import { DEVICE_CODE_COLUMNS, toDeviceCode } from '../device-code-rows.ts';
import type { DeviceCodeStore } from '../ports/index.ts';
import type { Row } from './rows.ts';

const PREVIOUS_COLUMNS = DEVICE_CODE_COLUMNS.split(', ')
  .map((c) => (c === 'last_polled_at' ? 'p.previous AS last_polled_at' : `d.${c}`))
  .join(', ');

export function postgresDeviceCodes(pool: pg.Pool): DeviceCodeStore {
  return {
    async create(record) {
      // A taken user code inserts nothing: the caller draws another one.
      const result = await pool.query(
        'INSERT INTO device_codes (hash, user_code_hash, client_id, scope, resource, expires_at, poll_interval) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_code_hash) DO NOTHING',
        [
          record.hash,
          record.userCodeHash,
          record.clientId,
          record.scope,
          record.resource,
          record.expiresAt,
          record.interval,
        ],
      );
      return result.rowCount === 1;
    },
    async findPending(userCodeHash, now) {
      const { rows } = await pool.query<Row>(
        `SELECT ${DEVICE_CODE_COLUMNS} FROM device_codes WHERE user_code_hash = $1 AND status = 'pending' AND expires_at > $2`,
        [userCodeHash, now],
      );
      return rows[0] && toDeviceCode(rows[0]);
    },
    async decide(userCodeHash, now, decision) {
      const approved = decision.kind === 'approve';
      const result = await pool.query(
        "UPDATE device_codes SET status = $3, account_id = $4, auth_time = $5, acr = $6, amr = $7 WHERE user_code_hash = $1 AND status = 'pending' AND expires_at > $2",
        [
          userCodeHash,
          now,
          approved ? 'approved' : 'denied',
          decision.accountId,
          approved ? decision.authTime : null,
          approved ? decision.acr : null,
          approved ? decision.amr : null,
        ],
      );
      return result.rowCount === 1;
    },
    async poll(hash, now) {
      // The row lock makes a concurrent poll wait, then read the last_polled_at this one wrote.
      const { rows } = await pool.query<Row>(
        `UPDATE device_codes d SET last_polled_at = $2
           FROM (SELECT hash, last_polled_at AS previous FROM device_codes WHERE hash = $1 FOR UPDATE) p
          WHERE d.hash = p.hash RETURNING ${PREVIOUS_COLUMNS}`,
        [hash, now],
      );
      return rows[0] && toDeviceCode(rows[0]);
    },
    async slowDown(hash, seconds) {
      const { rows } = await pool.query<{ poll_interval: number }>(
        'UPDATE device_codes SET poll_interval = poll_interval + $2 WHERE hash = $1 RETURNING poll_interval',
        [hash, seconds],
      );
      return rows[0]?.poll_interval ?? 0;
    },
    async consume(hash, now) {
      const result = await pool.query(
        "UPDATE device_codes SET status = 'consumed' WHERE hash = $1 AND status = 'approved' AND expires_at > $2",
        [hash, now],
      );
      return result.rowCount === 1;
    },
  };
}
