// PostgreSQL ConsentStore: one row per account and client, replaced when the user approves again.
import type pg from 'pg';
import type { ConsentStore } from '../ports/index.ts';
import { type Row, toConsent } from './rows.ts';

export function postgresConsents(pool: pg.Pool): ConsentStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
    async find(accountId, clientId) {
      const row = await one('SELECT * FROM consents WHERE account_id = $1 AND client_id = $2', [
        accountId,
        clientId,
      ]);
      return row && toConsent(row);
    },
    async save(c) {
      await pool.query(
        'INSERT INTO consents (account_id, client_id, scope, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, client_id) DO UPDATE SET scope = excluded.scope, created_at = excluded.created_at',
        [c.accountId, c.clientId, c.scope, c.createdAt],
      );
    },
    async list(accountId) {
      // client_id breaks ties the way SQLite's primary-key scan does, so both engines list alike.
      const { rows } = await pool.query<Row>(
        'SELECT * FROM consents WHERE account_id = $1 ORDER BY created_at, client_id COLLATE "C"',
        [accountId],
      );
      return rows.map(toConsent);
    },
    async delete(accountId, clientId) {
      await pool.query('DELETE FROM consents WHERE account_id = $1 AND client_id = $2', [
        accountId,
        clientId,
      ]);
    },
  };
}
