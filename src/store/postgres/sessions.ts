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
        'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.idHash, s.accountId, s.authenticator, s.acr, s.authTime, s.expiresAt],
      );
    },
    async find(idHash, now) {
      const row = await one('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
      return row && toSession(row);
    },
    async delete(idHash) {
      await pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
    },
  };
}
