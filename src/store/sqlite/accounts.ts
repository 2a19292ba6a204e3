// SQLite AccountStore: end users; usernames unique without regard to case (COLLATE NOCASE).
import type Database from 'better-sqlite3';
import { DuplicateError } from '../ports/errors.ts';
import type { AccountStore } from '../ports/index.ts';
import { type Row, toAccount } from './rows.ts';

export function createSqliteAccounts(db: Database.Database): AccountStore {
  const q = {
    insert: db.prepare(
      'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES (@id, @username, @passwordHash, @claims, @createdAt)',
    ),
    byName: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    byId: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    // Written as lower(json_extract(...)) so the expression index of migration 016 serves it; lower() folds A-Z only.
    byEmail: db.prepare(
      "SELECT * FROM accounts WHERE lower(json_extract(claims, '$.email')) = lower(?) AND json_type(claims, '$.email') = 'text' ORDER BY created_at, id LIMIT ?",
    ),
    list: db.prepare('SELECT * FROM accounts ORDER BY created_at, id LIMIT ?'),
    // lower() folds A-Z only and a function's result compares as BINARY (UTF-8 bytes: code point order).
    search: db.prepare(
      `SELECT * FROM accounts
         WHERE (instr(lower(username), lower(@text)) > 0
           OR (json_type(claims, '$.email') = 'text' AND instr(lower(json_extract(claims, '$.email')), lower(@text)) > 0))
           AND (@after IS NULL OR lower(username) > lower(@after))
         ORDER BY lower(username), id LIMIT @limit`,
    ),
    updateClaims: db.prepare('UPDATE accounts SET claims = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE accounts SET disabled = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?'),
    deleteSessions: db.prepare('DELETE FROM sessions WHERE account_id = ?'),
  };
  const disable = db.transaction((id: string, disabled: boolean) => {
    q.setDisabled.run(disabled ? 1 : 0, id);
    // A disabled account keeps no SSO session.
    if (disabled) q.deleteSessions.run(id);
  });

  return {
    async create(account) {
      try {
        q.insert.run({ ...account, claims: JSON.stringify(account.claims) });
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
          throw new DuplicateError(`account "${account.username}"`);
        }
        throw error;
      }
      return { ...account, disabled: false };
    },
    async findByUsername(username) {
      const row = q.byName.get(username) as Row | undefined;
      return row && toAccount(row);
    },
    async findByEmail(email, limit) {
      return (q.byEmail.all(email, limit) as Row[]).map(toAccount);
    },
    async findById(id) {
      const row = q.byId.get(id) as Row | undefined;
      return row && toAccount(row);
    },
    async list(limit) {
      return (q.list.all(limit) as Row[]).map(toAccount);
    },
    async search({ text, after, limit }) {
      return (q.search.all({ text, after: after ?? null, limit }) as Row[]).map(toAccount);
    },
    async updateClaims(id, claims) {
      q.updateClaims.run(JSON.stringify(claims), id);
    },
    async setDisabled(id, disabled) {
      disable.immediate(id, disabled);
    },
    async setPasswordHash(id, passwordHash) {
      return q.setPassword.run(passwordHash, id).changes > 0;
    },
  };
}
