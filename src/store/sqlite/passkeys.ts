// SQLite PasskeyStore: credentials by ID, the counter check in the UPDATE, challenges taken with DELETE ... RETURNING.
import type Database from 'better-sqlite3';
import { PASSKEY_COLUMNS, passkeyValues, type Row, toChallenge, toPasskey } from '../passkey-rows.ts';
import type { PasskeyStore } from '../ports/index.ts';

export function createSqlitePasskeys(db: Database.Database): PasskeyStore {
  const q = {
    create: db.prepare(
      `INSERT INTO passkey_credentials (${PASSKEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    find: db.prepare('SELECT * FROM passkey_credentials WHERE id = ?'),
    list: db.prepare('SELECT * FROM passkey_credentials WHERE account_id = ? ORDER BY created_at, id'),
    rename: db.prepare('UPDATE passkey_credentials SET name = ? WHERE account_id = ? AND id = ?'),
    remove: db.prepare('DELETE FROM passkey_credentials WHERE account_id = ? AND id = ?'),
    // WebAuthn L3 §6.1.1: a counter that does not grow (unless both are 0) signals a cloned authenticator.
    use: db.prepare(
      'UPDATE passkey_credentials SET counter = @counter, backed_up = @backedUp, last_used_at = @at WHERE id = @id AND (counter < @counter OR (counter = 0 AND @counter = 0))',
    ),
    purge: db.prepare('DELETE FROM passkey_challenges WHERE expires_at <= ?'),
    save: db.prepare(
      'INSERT INTO passkey_challenges (handle_hash, challenge, purpose, account_id, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (handle_hash) DO UPDATE SET challenge = excluded.challenge, purpose = excluded.purpose, account_id = excluded.account_id, expires_at = excluded.expires_at',
    ),
    take: db.prepare('DELETE FROM passkey_challenges WHERE handle_hash = ? RETURNING *'),
  };
  return {
    async create(c) {
      return q.create.run(...passkeyValues(c)).changes === 1;
    },
    async find(id) {
      const row = q.find.get(id) as Row | undefined;
      return row && toPasskey(row);
    },
    async listByAccount(accountId) {
      return (q.list.all(accountId) as Row[]).map(toPasskey);
    },
    async rename(accountId, id, name) {
      return q.rename.run(name, accountId, id).changes === 1;
    },
    async remove(accountId, id) {
      return q.remove.run(accountId, id).changes === 1;
    },
    async recordUse(id, use) {
      const params = { id, counter: use.counter, backedUp: use.backedUp ? 1 : 0, at: use.at };
      if (q.use.run(params).changes === 1) return 'recorded';
      return q.find.get(id) ? 'counter' : 'unknown';
    },
    async saveChallenge(c, now) {
      q.purge.run(now);
      q.save.run(c.handleHash, c.challenge, c.purpose, c.accountId, c.expiresAt);
    },
    async takeChallenge(handleHash, now) {
      const row = q.take.get(handleHash) as Row | undefined;
      const found = row && toChallenge(row);
      return found && found.expiresAt > now ? found : undefined;
    },
  };
}
