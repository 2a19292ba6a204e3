// SQLite SessionStore: SSO sessions by the hash of their cookie value.
import type Database from 'better-sqlite3';
import type { SessionStore } from '../ports/index.ts';
import { type Row, toSession } from './rows.ts';

export function createSqliteSessions(db: Database.Database): SessionStore {
  const q = {
    insert: db.prepare(
      'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at) VALUES (@idHash, @accountId, @authenticator, @acr, @authTime, @expiresAt)',
    ),
    find: db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?'),
    delete: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
  };
  return {
    async create(session) {
      q.insert.run(session);
    },
    async find(idHash, now) {
      const row = q.find.get(idHash, now) as Row | undefined;
      return row && toSession(row);
    },
    async delete(idHash) {
      q.delete.run(idHash);
    },
  };
}
