// SQLite ConsentStore: one row per account and client, replaced when the user approves again.
import type Database from 'better-sqlite3';
import type { ConsentStore } from '../ports/index.ts';
import { type Row, toConsent } from './rows.ts';

export function createSqliteConsents(db: Database.Database): ConsentStore {
  const q = {
    find: db.prepare('SELECT * FROM consents WHERE account_id = ? AND client_id = ?'),
    save: db.prepare(
      'INSERT INTO consents (account_id, client_id, scope, created_at) VALUES (@accountId, @clientId, @scope, @createdAt) ON CONFLICT (account_id, client_id) DO UPDATE SET scope = excluded.scope, created_at = excluded.created_at',
    ),
    list: db.prepare('SELECT * FROM consents WHERE account_id = ? ORDER BY created_at'),
    delete: db.prepare('DELETE FROM consents WHERE account_id = ? AND client_id = ?'),
  };
  return {
    async find(accountId, clientId) {
      const row = q.find.get(accountId, clientId) as Row | undefined;
      return row && toConsent(row);
    },
    async save(consent) {
      q.save.run(consent);
    },
    async list(accountId) {
      return (q.list.all(accountId) as Row[]).map(toConsent);
    },
    async delete(accountId, clientId) {
      q.delete.run(accountId, clientId);
    },
  };
}
