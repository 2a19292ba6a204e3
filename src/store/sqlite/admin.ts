// SQLite AdminStore: admin accounts, sessions, API tokens, drafts and the setup salt (tables from 004_admin.sql).
import type Database from 'better-sqlite3';
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type { AdminStore, AdminUser, Draft } from '../ports/index.ts';
import { type Row, toAdminSession, toAdminUser, toApiToken, toDraft } from './rows.ts';

const isConstraint = (error: unknown) =>
  (error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true;

export function createSqliteAdminStore(db: Database.Database): AdminStore {
  const q = {
    insertUser: db.prepare(
      'INSERT INTO admin_users (username, password_hash, created_at) VALUES (@username, @passwordHash, @createdAt)',
    ),
    countUsers: db.prepare('SELECT count(*) AS n FROM admin_users'),
    findUser: db.prepare('SELECT * FROM admin_users WHERE username = ?'),
    listUsers: db.prepare('SELECT * FROM admin_users ORDER BY created_at, username'),
    insertSalt: db.prepare('INSERT INTO admin_setup (id, salt) VALUES (1, ?) ON CONFLICT (id) DO NOTHING'),
    salt: db.prepare('SELECT salt FROM admin_setup WHERE id = 1'),
    insertSession: db.prepare(
      'INSERT INTO admin_sessions (id_hash, username, created_at, expires_at) VALUES (@idHash, @username, @createdAt, @expiresAt)',
    ),
    findSession: db.prepare('SELECT * FROM admin_sessions WHERE id_hash = ? AND expires_at > ?'),
    deleteSession: db.prepare('DELETE FROM admin_sessions WHERE id_hash = ?'),
    deleteExpired: db.prepare('DELETE FROM admin_sessions WHERE expires_at <= ?'),
    insertToken: db.prepare(
      'INSERT INTO admin_api_tokens (id, hash, name, owner, created_at, revoked_at) VALUES (@id, @hash, @name, @owner, @createdAt, @revokedAt)',
    ),
    tokenByHash: db.prepare('SELECT * FROM admin_api_tokens WHERE hash = ?'),
    listTokens: db.prepare('SELECT * FROM admin_api_tokens ORDER BY created_at, rowid'),
    revokeToken: db.prepare('UPDATE admin_api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    getDraft: db.prepare('SELECT * FROM admin_drafts WHERE owner = ?'),
    upsertDraft: db.prepare(
      'INSERT INTO admin_drafts (owner, base, snapshot, version, updated_at) VALUES (@owner, @base, @snapshot, @version, @updatedAt) ON CONFLICT (owner) DO UPDATE SET base = excluded.base, snapshot = excluded.snapshot, version = excluded.version, updated_at = excluded.updated_at',
    ),
    deleteDraft: db.prepare('DELETE FROM admin_drafts WHERE owner = ?'),
  };

  const createFirst = db.transaction((user: AdminUser) => {
    if ((q.countUsers.get() as Row)['n'] !== 0) return false;
    q.insertUser.run(user);
    return true;
  });
  const setupSalt = db.transaction((candidate: string) => {
    q.insertSalt.run(candidate);
    return (q.salt.get() as Row)['salt'] as string;
  });
  const saveDraft = db.transaction((draft: Omit<Draft, 'version'>, expected: number | null) => {
    const row = q.getDraft.get(draft.owner) as Row | undefined;
    const stored = row ? (row['version'] as number) : null;
    if (stored !== expected) {
      throw new ConflictError(`draft of ${draft.owner} is at version ${stored}, not ${expected}`, stored);
    }
    const saved: Draft = { ...draft, version: (stored ?? 0) + 1 };
    q.upsertDraft.run({ ...saved, snapshot: JSON.stringify(saved.snapshot) });
    return saved;
  });

  return {
    users: {
      async create(user) {
        try {
          q.insertUser.run(user);
        } catch (error) {
          if (isConstraint(error)) throw new DuplicateError(`admin "${user.username}"`);
          throw error;
        }
      },
      async createFirst(user) {
        return createFirst.immediate(user);
      },
      async find(username) {
        const row = q.findUser.get(username) as Row | undefined;
        return row && toAdminUser(row);
      },
      async list() {
        return (q.listUsers.all() as Row[]).map(toAdminUser);
      },
      async setupSalt(candidate) {
        return setupSalt.immediate(candidate);
      },
    },
    sessions: {
      async create(session) {
        q.insertSession.run(session);
      },
      async find(idHash, now) {
        const row = q.findSession.get(idHash, now) as Row | undefined;
        return row && toAdminSession(row);
      },
      async delete(idHash) {
        q.deleteSession.run(idHash);
      },
      async deleteExpired(now) {
        q.deleteExpired.run(now);
      },
    },
    tokens: {
      async create(token) {
        try {
          q.insertToken.run(token);
        } catch (error) {
          if (isConstraint(error)) throw new DuplicateError(`API token "${token.id}"`);
          throw error;
        }
      },
      async findByHash(hash) {
        const row = q.tokenByHash.get(hash) as Row | undefined;
        return row && toApiToken(row);
      },
      async list() {
        return (q.listTokens.all() as Row[]).map(toApiToken);
      },
      async revoke(id, now) {
        return q.revokeToken.run(now, id).changes === 1;
      },
    },
    drafts: {
      async get(owner) {
        const row = q.getDraft.get(owner) as Row | undefined;
        return row && toDraft(row);
      },
      async save(draft, expected) {
        return saveDraft.immediate(draft, expected);
      },
      async delete(owner) {
        q.deleteDraft.run(owner);
      },
    },
  };
}
