// SQLite store (better-sqlite3, WAL): the embedded default, safe for several worker processes on one file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type { Store, TokenRecord } from '../ports/index.ts';
import { createSqliteAdminStore } from './admin.ts';
import { startCheckpoints } from './checkpoints.ts';
import { migrate, migrations } from './migrate.ts';
import {
  type Row,
  toAccount,
  toCode,
  toConsent,
  toKey,
  toRevision,
  toRevisionMeta,
  toSession,
  toToken,
} from './rows.ts';

const LATEST_MIGRATION = Math.max(...migrations().map((m) => m.version));

export interface SqliteOptions {
  /** WAL checkpoints on a worker thread instead of inside commits: for the server, not short CLI runs. */
  backgroundCheckpoints?: boolean;
}

export function openSqliteStore(file: string, options: SqliteOptions = {}): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash with every committed row; only power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const checkpointer =
    options.backgroundCheckpoints && file !== ':memory:' ? startCheckpoints(db, file) : null;

  const q = {
    insertAccount: db.prepare(
      'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES (@id, @username, @passwordHash, @claims, @createdAt)',
    ),
    accountByName: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    accountById: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    listAccounts: db.prepare('SELECT * FROM accounts ORDER BY created_at, id LIMIT ?'),
    updateClaims: db.prepare('UPDATE accounts SET claims = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE accounts SET disabled = ? WHERE id = ?'),
    deleteAccountSessions: db.prepare('DELETE FROM sessions WHERE account_id = ?'),
    findConsent: db.prepare('SELECT * FROM consents WHERE account_id = ? AND client_id = ?'),
    saveConsent: db.prepare(
      'INSERT INTO consents (account_id, client_id, scope, created_at) VALUES (@accountId, @clientId, @scope, @createdAt) ON CONFLICT (account_id, client_id) DO UPDATE SET scope = excluded.scope, created_at = excluded.created_at',
    ),
    listConsents: db.prepare('SELECT * FROM consents WHERE account_id = ? ORDER BY created_at'),
    deleteConsent: db.prepare('DELETE FROM consents WHERE account_id = ? AND client_id = ?'),
    insertSession: db.prepare(
      'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at) VALUES (@idHash, @accountId, @authenticator, @acr, @authTime, @expiresAt)',
    ),
    findSession: db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    insertCode: db.prepare(
      'INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, auth_time, acr, expires_at, claims) VALUES (@hash, @grantId, @clientId, @accountId, @redirectUri, @scope, @nonce, @codeChallenge, @codeChallengeMethod, @authTime, @acr, @expiresAt, @claims)',
    ),
    findCode: db.prepare('SELECT * FROM codes WHERE hash = ?'),
    useCode: db.prepare('UPDATE codes SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    codeGrant: db.prepare('SELECT grant_id FROM codes WHERE hash = ?'),
    insertToken: db.prepare(
      'INSERT INTO tokens (hash, kind, grant_id, client_id, account_id, scope, auth_time, acr, issued_at, expires_at, family_expires_at, claims) VALUES (@hash, @kind, @grantId, @clientId, @accountId, @scope, @authTime, @acr, @issuedAt, @expiresAt, @familyExpiresAt, @claims)',
    ),
    findToken: db.prepare('SELECT * FROM tokens WHERE hash = ?'),
    revokeGrant: db.prepare('UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL'),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE hash = ?'),
    revokeClientTokens: db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND client_id = ? AND revoked_at IS NULL',
    ),
    rotate: db.prepare('UPDATE tokens SET rotated_at = ? WHERE hash = ? AND rotated_at IS NULL'),
    currentRevision: db.prepare('SELECT * FROM config_revisions ORDER BY id DESC LIMIT 1'),
    currentRevisionId: db.prepare('SELECT max(id) AS id FROM config_revisions'),
    insertRevision: db.prepare(
      'INSERT INTO config_revisions (id, parent, author, message, created_at, snapshot) VALUES (@id, @parent, @author, @message, @createdAt, @snapshot)',
    ),
    listRevisions: db.prepare(
      'SELECT id, parent, author, message, created_at FROM config_revisions ORDER BY id DESC LIMIT ?',
    ),
    getRevision: db.prepare('SELECT * FROM config_revisions WHERE id = ?'),
    listKeys: db.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid'),
    insertFirstKey: db.prepare(
      'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) SELECT @kid, @alg, @publicJwk, @privateKey, @certificate, @createdAt, @activatesAt, @retiredAt WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE alg = @alg AND retired_at IS NULL)',
    ),
    insertKey: db.prepare(
      'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) VALUES (@kid, @alg, @publicJwk, @privateKey, @certificate, @createdAt, @activatesAt, @retiredAt) ON CONFLICT (kid) DO NOTHING',
    ),
    retireKey: db.prepare('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL'),
    deleteKey: db.prepare('DELETE FROM signing_keys WHERE kid = ?'),
    takeLease: db.prepare(
      'INSERT INTO maintenance_leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE maintenance_leases.holder = excluded.holder OR maintenance_leases.expires_at < ?',
    ),
    purgeCodes: db.prepare(
      'DELETE FROM codes WHERE rowid IN (SELECT rowid FROM codes WHERE expires_at < ? LIMIT ?)',
    ),
    purgeTokens: db.prepare(
      'DELETE FROM tokens WHERE rowid IN (SELECT rowid FROM tokens WHERE expires_at < ? LIMIT ?)',
    ),
    purgeSessions: db.prepare(
      'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at < ? LIMIT ?)',
    ),
    schemaVersion: db.prepare('SELECT max(version) AS version FROM schema_migrations'),
    loginFailures: db.prepare(
      'SELECT failures, expires_at FROM login_failures WHERE key_hash = ? AND expires_at > ?',
    ),
    // A closed window starts over at 1; SET reads the row as it was, so both columns see the same test.
    recordFailure: db.prepare(
      'INSERT INTO login_failures (key_hash, failures, expires_at) VALUES (@key, 1, @expiresAt) ON CONFLICT (key_hash) DO UPDATE SET failures = CASE WHEN login_failures.expires_at <= @now THEN 1 ELSE login_failures.failures + 1 END, expires_at = CASE WHEN login_failures.expires_at <= @now THEN excluded.expires_at ELSE login_failures.expires_at END',
    ),
    clearFailures: db.prepare('DELETE FROM login_failures WHERE key_hash = ?'),
    purgeFailures: db.prepare(
      'DELETE FROM login_failures WHERE rowid IN (SELECT rowid FROM login_failures WHERE expires_at < ? LIMIT ?)',
    ),
  };

  const saveTokens = (tokens: readonly TokenRecord[]) => {
    for (const t of tokens) q.insertToken.run(t);
  };
  const redeem = db.transaction((hash: string, now: number, tokens: readonly TokenRecord[]) => {
    if (q.useCode.run(now, hash).changes === 1) {
      saveTokens(tokens);
      return { status: 'redeemed' } as const;
    }
    const row = q.codeGrant.get(hash) as Row | undefined;
    if (!row) return { status: 'missing' } as const;
    q.revokeGrant.run(now, row['grant_id']);
    return { status: 'already_used' } as const;
  });
  const saveTokensTx = db.transaction(saveTokens);
  const rotate = db.transaction(
    (hash: string, now: number, grace: number, tokens: readonly TokenRecord[]) => {
      if (q.rotate.run(now, hash).changes === 1) {
        saveTokens(tokens);
        return { status: 'rotated' } as const;
      }
      const row = q.findToken.get(hash) as Row | undefined;
      if (!row) return { status: 'missing' } as const;
      if (grace > 0 && now - (row['rotated_at'] as number) <= grace) {
        saveTokens(tokens);
        return { status: 'grace' } as const;
      }
      q.revokeGrant.run(now, row['grant_id']);
      return { status: 'reused' } as const;
    },
  );
  const purge = db.transaction((holder: string, now: number, batch: number) => {
    // The lease outlives one run, so the same node keeps the job while it is alive.
    if (q.takeLease.run('cleanup', holder, now + 120, now).changes === 0) return null;
    let deleted = q.purgeCodes.run(now, batch).changes;
    deleted += q.purgeTokens.run(now, batch).changes;
    deleted += q.purgeSessions.run(now, batch).changes;
    deleted += q.purgeFailures.run(now, batch).changes;
    return deleted;
  });
  const disable = db.transaction((id: string, disabled: boolean) => {
    q.setDisabled.run(disabled ? 1 : 0, id);
    // A disabled account keeps no SSO session.
    if (disabled) q.deleteAccountSessions.run(id);
  });
  const commit = db.transaction((revision: Parameters<Store['config']['commit']>[0]) => {
    const current = ((q.currentRevisionId.get() as Row)['id'] as number | null) ?? null;
    if (revision.parent !== current) {
      throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
    }
    const id = (current ?? 0) + 1;
    q.insertRevision.run({ ...revision, id, snapshot: JSON.stringify(revision.snapshot) });
    return { ...revision, id };
  });

  return {
    engine: 'sqlite',
    accounts: {
      async create(account) {
        try {
          q.insertAccount.run({ ...account, claims: JSON.stringify(account.claims) });
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
            throw new DuplicateError(`account "${account.username}"`);
          }
          throw error;
        }
        return { ...account, disabled: false };
      },
      async findByUsername(username) {
        const row = q.accountByName.get(username) as Row | undefined;
        return row && toAccount(row);
      },
      async findById(id) {
        const row = q.accountById.get(id) as Row | undefined;
        return row && toAccount(row);
      },
      async list(limit) {
        return (q.listAccounts.all(limit) as Row[]).map(toAccount);
      },
      async updateClaims(id, claims) {
        q.updateClaims.run(JSON.stringify(claims), id);
      },
      async setDisabled(id, disabled) {
        disable.immediate(id, disabled);
      },
    },
    consents: {
      async find(accountId, clientId) {
        const row = q.findConsent.get(accountId, clientId) as Row | undefined;
        return row && toConsent(row);
      },
      async save(consent) {
        q.saveConsent.run(consent);
      },
      async list(accountId) {
        return (q.listConsents.all(accountId) as Row[]).map(toConsent);
      },
      async delete(accountId, clientId) {
        q.deleteConsent.run(accountId, clientId);
      },
    },
    sessions: {
      async create(session) {
        q.insertSession.run(session);
      },
      async find(idHash, now) {
        const row = q.findSession.get(idHash, now) as Row | undefined;
        return row && toSession(row);
      },
      async delete(idHash) {
        q.deleteSession.run(idHash);
      },
    },
    grants: {
      async saveCode(code) {
        q.insertCode.run(code);
      },
      async findCode(hash) {
        const row = q.findCode.get(hash) as Row | undefined;
        return row && toCode(row);
      },
      async redeemCode(hash, now, tokens) {
        return redeem.immediate(hash, now, tokens);
      },
      async saveTokens(tokens) {
        saveTokensTx.immediate(tokens);
      },
      async findToken(hash) {
        const row = q.findToken.get(hash) as Row | undefined;
        return row && toToken(row);
      },
      async revokeGrant(grantId, now) {
        q.revokeGrant.run(now, grantId);
      },
      async revokeClientTokens(accountId, clientId, now) {
        q.revokeClientTokens.run(now, accountId, clientId);
      },
      async revokeToken(hash, now) {
        return q.revokeToken.run(now, hash).changes === 1;
      },
      async rotateRefreshToken(hash, now, graceSeconds, tokens) {
        return rotate.immediate(hash, now, graceSeconds, tokens);
      },
    },
    config: {
      async current() {
        const row = q.currentRevision.get() as Row | undefined;
        return row && toRevision(row);
      },
      async currentId() {
        return ((q.currentRevisionId.get() as Row)['id'] as number | null) ?? null;
      },
      async commit(revision) {
        return commit.immediate(revision);
      },
      async list(limit) {
        return (q.listRevisions.all(limit) as Row[]).map(toRevisionMeta);
      },
      async get(id) {
        const row = q.getRevision.get(id) as Row | undefined;
        return row && toRevision(row);
      },
    },
    keys: {
      async list() {
        return (q.listKeys.all() as Row[]).map(toKey);
      },
      async insertFirst(key) {
        // One statement: SQLite runs writers one at a time, so the check and the insert cannot interleave.
        return q.insertFirstKey.run(key).changes === 1;
      },
      async insert(key) {
        q.insertKey.run(key);
      },
      async retire(kid, at) {
        q.retireKey.run(at, kid);
      },
      async delete(kid) {
        q.deleteKey.run(kid);
      },
    },
    maintenance: {
      async purgeExpired(holder, now, batch) {
        return purge.immediate(holder, now, batch);
      },
      async ping() {
        const { version } = q.schemaVersion.get() as { version: number };
        if (version !== LATEST_MIGRATION)
          throw new Error(`schema version ${version}, expected ${LATEST_MIGRATION}`);
      },
    },
    throttle: {
      async failures(key, now) {
        const row = q.loginFailures.get(key, now) as Row | undefined;
        return row && { count: row['failures'] as number, expiresAt: row['expires_at'] as number };
      },
      async recordFailure(key, now, windowSeconds) {
        q.recordFailure.run({ key, now, expiresAt: now + windowSeconds });
      },
      async clear(key) {
        q.clearFailures.run(key);
      },
    },
    admin: createSqliteAdminStore(db),
    async close() {
      await checkpointer?.stop();
      db.close();
    },
  };
}
