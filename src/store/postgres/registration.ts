// PostgreSQL RegistrationStore: registered clients and initial access tokens; a token's use spent in one UPDATE.
import type pg from 'pg';
import type { RegistrationStore } from '../ports/index.ts';
import {
  CLIENT_COLUMNS,
  clientValues,
  TOKEN_COLUMNS,
  toInitialToken,
  tokenValues,
  toRegisteredClient,
} from '../registration-sql.ts';

type Row = Record<string, unknown>;
const asBool = (b: boolean) => b;

export function postgresRegistration(pool: pg.Pool): RegistrationStore {
  const changed = (r: pg.QueryResult) => (r.rowCount ?? 0) > 0;
  return {
    async create(client) {
      await pool.query(
        `INSERT INTO registered_clients (${CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        clientValues(client, asBool),
      );
    },
    async find(clientId) {
      const { rows } = await pool.query<Row>(
        `SELECT ${CLIENT_COLUMNS} FROM registered_clients WHERE client_id = $1`,
        [clientId],
      );
      return rows[0] && toRegisteredClient(rows[0]);
    },
    async list(limit) {
      const { rows } = await pool.query<Row>(
        `SELECT ${CLIENT_COLUMNS} FROM registered_clients ORDER BY created_at DESC, client_id LIMIT $1`,
        [limit],
      );
      return rows.map(toRegisteredClient);
    },
    async update(clientId, change) {
      return changed(
        await pool.query(
          'UPDATE registered_clients SET config = $1, metadata = $2, updated_at = $3 WHERE client_id = $4',
          [JSON.stringify(change.config), JSON.stringify(change.metadata), change.updatedAt, clientId],
        ),
      );
    },
    async setDisabled(clientId, disabled) {
      return changed(
        await pool.query('UPDATE registered_clients SET disabled = $1 WHERE client_id = $2', [
          disabled,
          clientId,
        ]),
      );
    },
    async touch(clientId, at) {
      await pool.query(
        'UPDATE registered_clients SET last_used_at = $1 WHERE client_id = $2 AND (last_used_at IS NULL OR last_used_at < $1)',
        [at, clientId],
      );
    },
    async delete(clientId) {
      return changed(await pool.query('DELETE FROM registered_clients WHERE client_id = $1', [clientId]));
    },
    async deleteUnused(before) {
      const { rows } = await pool.query<Row>(
        'DELETE FROM registered_clients WHERE COALESCE(last_used_at, created_at) < $1 RETURNING client_id',
        [before],
      );
      return rows.map((r) => String(r['client_id']));
    },
    async createInitialToken(token) {
      await pool.query(
        `INSERT INTO initial_access_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        tokenValues(token, asBool),
      );
    },
    async listInitialTokens() {
      const { rows } = await pool.query<Row>(
        `SELECT ${TOKEN_COLUMNS} FROM initial_access_tokens ORDER BY created_at DESC, id`,
      );
      return rows.map(toInitialToken);
    },
    async useInitialToken(tokenHash, now) {
      // The row lock makes a second use of the last one wait, then re-check uses_left on the committed row.
      const { rows } = await pool.query<Row>(
        `UPDATE initial_access_tokens SET uses_left = CASE WHEN uses_left IS NULL THEN NULL ELSE uses_left - 1 END
         WHERE token_hash = $1 AND NOT revoked AND (expires_at IS NULL OR expires_at > $2)
           AND (uses_left IS NULL OR uses_left > 0)
         RETURNING ${TOKEN_COLUMNS}`,
        [tokenHash, now],
      );
      return rows[0] && toInitialToken(rows[0]);
    },
    async revokeInitialToken(id) {
      return changed(await pool.query('UPDATE initial_access_tokens SET revoked = true WHERE id = $1', [id]));
    },
  };
}
