// PostgreSQL SessionStore: SSO sessions by the hash of their cookie value.
import type pg from 'pg';
import type { SessionStore } from '../ports/index.ts';
import { type Row, toSession } from './rows.ts';

export function postgresSessions(pool: pg.Pool): SessionStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
    async create(s) {
      await pool.query(
        'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at, factors, created_at, last_seen, user_agent, address) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)',
        [
          s.idHash,
          s.accountId,
          s.authenticator,
          s.acr,
          s.authTime,
          s.expiresAt,
          JSON.stringify(s.factors),
          s.createdAt,
          s.lastSeen,
          s.userAgent,
          s.address,
        ],
      );
    },
    async find(idHash, now) {
      const row = await one('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
      return row && toSession(row);
    },
    async delete(idHash) {
      await pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
    },
    async addFactor(idHash, factor, now) {
      // jsonb || appends the one-element array in the same statement: concurrent additions both land.
      const result = await pool.query(
        'UPDATE sessions SET factors = factors || $1::jsonb WHERE id_hash = $2 AND expires_at > $3',
        [JSON.stringify([factor]), idHash, now],
      );
      return result.rowCount === 1;
    },
    async touch(idHash, now) {
      await pool.query('UPDATE sessions SET last_seen = $1 WHERE id_hash = $2', [now, idHash]);
    },
    async listByAccount(accountId, now) {
      const result = await pool.query<Row>(
        'SELECT * FROM sessions WHERE account_id = $1 AND expires_at > $2 ORDER BY last_seen DESC, id_hash',
        [accountId, now],
      );
      return result.rows.map(toSession);
    },
    async deleteForAccount(accountId, idHash) {
      const result = await pool.query('DELETE FROM sessions WHERE id_hash = $1 AND account_id = $2', [
        idHash,
        accountId,
      ]);
      return result.rowCount === 1;
    },
  };
}
