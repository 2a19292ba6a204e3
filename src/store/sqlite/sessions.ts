// SQLite SessionStore: SSO sessions by the hash of their cookie value.
import type Database from 'better-sqlite3';
import type { SessionStore } from '../ports/index.ts';
import { type Row, toSession } from './rows.ts';

export function createSqliteSessions(db: Database.Database): SessionStore {
  const q = {
    insert: db.prepare(
      'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at, factors, created_at, last_seen, user_agent, address) VALUES (@idHash, @accountId, @authenticator, @acr, @authTime, @expiresAt, @factors, @createdAt, @lastSeen, @userAgent, @address)',
    ),
    find: db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?'),
    delete: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    // One statement: appending to the JSON list cannot lose a factor another worker added at the same time.
    addFactor: db.prepare(
      "UPDATE sessions SET factors = json_insert(factors, '$[#]', json(?)) WHERE id_hash = ? AND expires_at > ?",
    ),
    touch: db.prepare('UPDATE sessions SET last_seen = ? WHERE id_hash = ?'),
    byAccount: db.prepare(
      'SELECT * FROM sessions WHERE account_id = ? AND expires_at > ? ORDER BY last_seen DESC, id_hash',
    ),
    deleteForAccount: db.prepare('DELETE FROM sessions WHERE id_hash = ? AND account_id = ?'),
  };
  return {
    async create(session) {
      q.insert.run({ ...session, factors: JSON.stringify(session.factors) });
    },
    async find(idHash, now) {
      const row = q.find.get(idHash, now) as Row | undefined;
      return row && toSession(row);
    },
    async delete(idHash) {
      q.delete.run(idHash);
    },
    async addFactor(idHash, factor, now) {
      return q.addFactor.run(JSON.stringify(factor), idHash, now).changes === 1;
    },
    async touch(idHash, now) {
      q.touch.run(now, idHash);
    },
    async listByAccount(accountId, now) {
      return (q.byAccount.all(accountId, now) as Row[]).map(toSession);
    },
    async deleteForAccount(accountId, idHash) {
      return q.deleteForAccount.run(idHash, accountId).changes === 1;
    },
  };
}
