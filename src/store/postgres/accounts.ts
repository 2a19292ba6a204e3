// PostgreSQL AccountStore: end users; usernames unique without regard to case (a unique index on lower(username)).
import type pg from 'pg';
import { DuplicateError } from '../ports/errors.ts';
import type { AccountStore } from '../ports/index.ts';
import { isUniqueViolation } from './errors.ts';
import { type Row, toAccount } from './rows.ts';
import { transaction } from './tx.ts';

export function postgresAccounts(pool: pg.Pool): AccountStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
    async create(account) {
      try {
        await pool.query(
          'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)',
          [
            account.id,
            account.username,
            account.passwordHash,
            JSON.stringify(account.claims),
            account.createdAt,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateError(`account "${account.username}"`);
        throw error;
      }
      return { ...account, disabled: false };
    },
    async findByUsername(username) {
      // Written as lower(username) so the unique index on that expression serves the lookup.
      const row = await one('SELECT * FROM accounts WHERE lower(username) = lower($1)', [username]);
      return row && toAccount(row);
    },
    async findByEmail(email, limit) {
      // The expression of migration 016's index; under the C collation lower() folds A-Z only, as SQLite's does.
      const { rows } = await pool.query<Row>(
        `SELECT * FROM accounts WHERE lower((claims->>'email') COLLATE "C") = lower($1 COLLATE "C")
           AND jsonb_typeof(claims->'email') = 'string' ORDER BY created_at, id COLLATE "C" LIMIT $2`,
        [email, limit],
      );
      return rows.map(toAccount);
    },
    async findById(id) {
      const row = await one('SELECT * FROM accounts WHERE id = $1', [id]);
      return row && toAccount(row);
    },
    async list(limit) {
      const { rows } = await pool.query<Row>(
        'SELECT * FROM accounts ORDER BY created_at, id COLLATE "C" LIMIT $1',
        [limit],
      );
      return rows.map(toAccount);
    },
    async search({ text, after, limit }) {
      // Under the C collation lower() folds A-Z only and strings order by code point, as SQLite's do.
      const { rows } = await pool.query<Row>(
        `SELECT * FROM accounts
           WHERE (strpos(lower(username COLLATE "C"), lower($1 COLLATE "C")) > 0
             OR (jsonb_typeof(claims->'email') = 'string'
               AND strpos(lower((claims->>'email') COLLATE "C"), lower($1 COLLATE "C")) > 0))
             AND ($2::text IS NULL OR lower(username COLLATE "C") > lower($2::text COLLATE "C"))
           ORDER BY lower(username COLLATE "C"), id COLLATE "C" LIMIT $3`,
        [text, after ?? null, limit],
      );
      return rows.map(toAccount);
    },
    async updateClaims(id, claims) {
      await pool.query('UPDATE accounts SET claims = $1::jsonb WHERE id = $2', [JSON.stringify(claims), id]);
    },
    async setDisabled(id, disabled) {
      await transaction(pool, async (client) => {
        await client.query('UPDATE accounts SET disabled = $1 WHERE id = $2', [disabled, id]);
        // A disabled account keeps no SSO session.
        if (disabled) await client.query('DELETE FROM sessions WHERE account_id = $1', [id]);
      });
    },
    async setPasswordHash(id, passwordHash) {
      const result = await pool.query('UPDATE accounts SET password_hash = $1 WHERE id = $2', [
        passwordHash,
        id,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
