// SQLite EmailTokenStore: email links by keyed hash; a use is one conditional UPDATE ... RETURNING.
import type Database from 'better-sqlite3';
import { EMAIL_TOKEN_COLUMNS as COLUMNS, toEmailToken } from '../email-token-rows.ts';
import type { EmailToken, EmailTokenPurpose, EmailTokenStore } from '../ports/index.ts';
import type { Row } from '../rows.ts';

export function createSqliteEmailTokens(db: Database.Database): EmailTokenStore {
  const q = {
    insert: db.prepare(
      'INSERT INTO email_tokens (hash, purpose, account_id, email, created_at, expires_at) VALUES (@hash, @purpose, @accountId, @email, @createdAt, @expiresAt)',
    ),
    find: db.prepare(
      `SELECT ${COLUMNS} FROM email_tokens WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
    ),
    // One statement checks and marks: of two uses at once, only one finds the row still unused.
    consume: db.prepare(
      `UPDATE email_tokens SET used_at = @now WHERE hash = @hash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now RETURNING ${COLUMNS}`,
    ),
    revoke: db.prepare('DELETE FROM email_tokens WHERE account_id = ? AND purpose = ? AND used_at IS NULL'),
    purge: db.prepare('DELETE FROM email_tokens WHERE used_at IS NOT NULL OR expires_at <= ?'),
  };
  return {
    async create(token: EmailToken) {
      q.insert.run(token);
    },
    async find(hash: string, purpose: EmailTokenPurpose, now: number) {
      const row = q.find.get(hash, purpose, now) as Row | undefined;
      return row && toEmailToken(row);
    },
    async consume(hash, purpose, now) {
      const row = q.consume.get({ hash, purpose, now }) as Row | undefined;
      return row && toEmailToken(row);
    },
    async revokeForAccount(accountId, purpose) {
      return q.revoke.run(accountId, purpose).changes;
    },
    async purge(now) {
      return q.purge.run(now).changes;
    },
  };
}
