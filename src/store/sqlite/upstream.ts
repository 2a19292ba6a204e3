// SQLite UpstreamStore: identities by (issuer, subject), an account and its link in one IMMEDIATE transaction,
// logins taken with DELETE ... RETURNING so each stage is used once.
import type Database from 'better-sqlite3';
import type { UpstreamStore } from '../ports/index.ts';
import {
  IDENTITY_COLUMNS,
  identityValues,
  LOGIN_COLUMNS,
  loginValues,
  type Row,
  toIdentity,
  toLogin,
} from '../upstream-rows.ts';

export function createSqliteUpstream(db: Database.Database): UpstreamStore {
  const q = {
    find: db.prepare('SELECT * FROM upstream_identities WHERE issuer = ? AND subject = ?'),
    list: db.prepare(
      'SELECT * FROM upstream_identities WHERE account_id = ? ORDER BY created_at, issuer, subject',
    ),
    link: db.prepare(
      `INSERT INTO upstream_identities (${IDENTITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, subject) DO NOTHING`,
    ),
    accountTaken: db.prepare('SELECT 1 FROM accounts WHERE id = ? OR username = ?'),
    insertAccount: db.prepare(
      'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    use: db.prepare('UPDATE upstream_identities SET last_used_at = ? WHERE issuer = ? AND subject = ?'),
    unlink: db.prepare('DELETE FROM upstream_identities WHERE account_id = ? AND issuer = ? AND subject = ?'),
    purge: db.prepare('DELETE FROM upstream_logins WHERE expires_at <= ?'),
    save: db.prepare(
      `INSERT INTO upstream_logins (${LOGIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (handle_hash) DO UPDATE SET authenticator = excluded.authenticator, return_to = excluded.return_to, policy = excluded.policy, expires_at = excluded.expires_at, pending = excluded.pending`,
    ),
    take: db.prepare('DELETE FROM upstream_logins WHERE handle_hash = ? AND pending IS NULL RETURNING *'),
    findPending: db.prepare(
      'SELECT * FROM upstream_logins WHERE handle_hash = ? AND pending IS NOT NULL AND expires_at > ?',
    ),
    takePending: db.prepare(
      'DELETE FROM upstream_logins WHERE handle_hash = ? AND pending IS NOT NULL RETURNING *',
    ),
  };
  const createLinked = db.transaction(
    (account: Parameters<UpstreamStore['createLinkedAccount']>[0], identity: unknown[]) => {
      if (q.find.get(identity[0], identity[1])) return 'identity_taken' as const;
      // The username column compares without regard to case (COLLATE NOCASE).
      if (q.accountTaken.get(account.id, account.username)) return 'username_taken' as const;
      q.insertAccount.run(
        account.id,
        account.username,
        account.passwordHash,
        JSON.stringify(account.claims),
        account.createdAt,
      );
      q.link.run(...identity);
      return 'created' as const;
    },
  );
  const live = (row: Row | undefined, now: number) => {
    const found = row && toLogin(row);
    return found && found.expiresAt > now ? found : undefined;
  };
  return {
    async findIdentity(issuer, subject) {
      const row = q.find.get(issuer, subject) as Row | undefined;
      return row && toIdentity(row);
    },
    async listIdentities(accountId) {
      return (q.list.all(accountId) as Row[]).map(toIdentity);
    },
    async link(identity) {
      return q.link.run(...identityValues(identity)).changes === 1;
    },
    async createLinkedAccount(account, identity) {
      return createLinked.immediate(account, identityValues(identity));
    },
    async recordUse(issuer, subject, at) {
      q.use.run(at, issuer, subject);
    },
    async unlink(accountId, issuer, subject) {
      return q.unlink.run(accountId, issuer, subject).changes === 1;
    },
    async saveLogin(login, now) {
      q.purge.run(now);
      q.save.run(...loginValues(login));
    },
    async takeLogin(handleHash, now) {
      return live(q.take.get(handleHash) as Row | undefined, now);
    },
    async findPending(handleHash, now) {
      const row = q.findPending.get(handleHash, now) as Row | undefined;
      return row && toLogin(row);
    },
    async takePending(handleHash, now) {
      return live(q.takePending.get(handleHash) as Row | undefined, now);
    },
  };
}
