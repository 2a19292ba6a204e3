// PostgreSQL EmailTokenStore: email links by keyed hash; a use is one conditional UPDATE ... RETURNING.
import type pg from 'pg';
import { EMAIL_TOKEN_COLUMNS as COLUMNS, toEmailToken } from '../email-token-rows.ts';
import type { EmailTokenStore } from '../ports/index.ts';
import type { Row } from '../rows.ts';

export function postgresEmailTokens(pool: pg.Pool): EmailTokenStore {
  return {
    async create(token) {
      await pool.query(
        'INSERT INTO email_tokens (hash, purpose, account_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [token.hash, token.purpose, token.accountId, token.email, token.createdAt, token.expiresAt],
      );
    },
    async find(hash, purpose, now) {
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM email_tokens WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
        [hash, purpose, now],
      );
      return rows[0] && toEmailToken(rows[0]);
    },
    async consume(hash, purpose, now) {
      // One statement checks and marks: a second use at once waits on the row lock, then finds it used.
      const { rows } = await pool.query<Row>(
        `UPDATE email_tokens SET used_at = $3 WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING ${COLUMNS}`,
        [hash, purpose, now],
      );
      return rows[0] && toEmailToken(rows[0]);
    },
    async revokeForAccount(accountId, purpose) {
      const result = await pool.query(
        'DELETE FROM email_tokens WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL',
        [accountId, purpose],
      );
      return result.rowCount ?? 0;
    },
    async purge(now) {
      const result = await pool.query(
        'DELETE FROM email_tokens WHERE used_at IS NOT NULL OR expires_at <= $1',
        [now],
      );
      return result.rowCount ?? 0;
    },
  };
}
