// SQLite RegistrationStore: registered clients and initial access tokens; a token's use spent in one UPDATE.
import type Database from 'better-sqlite3';
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
const bit = (b: boolean) => (b ? 1 : 0);

export function createSqliteRegistration(db: Database.Database): RegistrationStore {
  const q = {
    create: db.prepare(
      `INSERT INTO registered_clients (${CLIENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    find: db.prepare(`SELECT ${CLIENT_COLUMNS} FROM registered_clients WHERE client_id = ?`),
    list: db.prepare(
      `SELECT ${CLIENT_COLUMNS} FROM registered_clients ORDER BY created_at DESC, client_id LIMIT ?`,
    ),
    update: db.prepare(
      'UPDATE registered_clients SET config = ?, metadata = ?, updated_at = ? WHERE client_id = ?',
    ),
    disable: db.prepare('UPDATE registered_clients SET disabled = ? WHERE client_id = ?'),
    touch: db.prepare(
      'UPDATE registered_clients SET last_used_at = ? WHERE client_id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
    ),
    delete: db.prepare('DELETE FROM registered_clients WHERE client_id = ?'),
    deleteUnused: db.prepare(
      'DELETE FROM registered_clients WHERE COALESCE(last_used_at, created_at) < ? RETURNING client_id',
    ),
    createToken: db.prepare(
      `INSERT INTO initial_access_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    listTokens: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM initial_access_tokens ORDER BY created_at DESC, id`),
    // Checks revoked, expiry and uses and spends one in one statement: of two racing uses of the last one, one wins.
    useToken: db.prepare(
      `UPDATE initial_access_tokens SET uses_left = CASE WHEN uses_left IS NULL THEN NULL ELSE uses_left - 1 END
       WHERE token_hash = @hash AND revoked = 0 AND (expires_at IS NULL OR expires_at > @now)
         AND (uses_left IS NULL OR uses_left > 0)
       RETURNING ${TOKEN_COLUMNS}`,
    ),
    revokeToken: db.prepare('UPDATE initial_access_tokens SET revoked = 1 WHERE id = ?'),
  };
  return {
    async create(client) {
      q.create.run(...clientValues(client, bit));
    },
    async find(clientId) {
      const row = q.find.get(clientId) as Row | undefined;
      return row && toRegisteredClient(row);
    },
    async list(limit) {
      return (q.list.all(limit) as Row[]).map(toRegisteredClient);
    },
    async update(clientId, change) {
      const r = q.update.run(
        JSON.stringify(change.config),
        JSON.stringify(change.metadata),
        change.updatedAt,
        clientId,
      );
      return r.changes > 0;
    },
    async setDisabled(clientId, disabled) {
      return q.disable.run(bit(disabled), clientId).changes > 0;
    },
    async touch(clientId, at) {
      q.touch.run(at, clientId, at);
    },
    async delete(clientId) {
      return q.delete.run(clientId).changes > 0;
    },
    async deleteUnused(before) {
      return (q.deleteUnused.all(before) as Row[]).map((r) => String(r['client_id']));
    },
    async createInitialToken(token) {
      q.createToken.run(...tokenValues(token, bit));
    },
    async listInitialTokens() {
      return (q.listTokens.all() as Row[]).map(toInitialToken);
    },
    async useInitialToken(tokenHash, now) {
      const row = q.useToken.get({ hash: tokenHash, now }) as Row | undefined;
      return row && toInitialToken(row);
    },
    async revokeInitialToken(id) {
      return q.revokeToken.run(id).changes > 0;
    },
  };
}
