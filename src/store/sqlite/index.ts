// SQLite store (better-sqlite3, WAL): the embedded default, safe for several worker processes on one file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type {
  Account,
  CodeRecord,
  Revision,
  Store,
  StoredKey,
  StoredToken,
  TokenRecord,
} from '../ports/index.ts';
import { migrate } from './migrate.ts';

type Row = Record<string, unknown>;

const toAccount = (r: Row): Account => ({
  id: r['id'] as string,
  username: r['username'] as string,
  passwordHash: r['password_hash'] as string,
  claims: JSON.parse(r['claims'] as string),
  createdAt: r['created_at'] as number,
  disabled: r['disabled'] === 1,
});

const toCode = (r: Row): CodeRecord & { used: boolean } => ({
  hash: r['hash'] as string,
  grantId: r['grant_id'] as string,
  clientId: r['client_id'] as string,
  accountId: r['account_id'] as string,
  redirectUri: r['redirect_uri'] as string | null,
  scope: r['scope'] as string,
  nonce: r['nonce'] as string | null,
  codeChallenge: r['code_challenge'] as string | null,
  authTime: r['auth_time'] as number,
  acr: r['acr'] as string,
  expiresAt: r['expires_at'] as number,
  used: r['used_at'] !== null,
});

const toToken = (r: Row): StoredToken => ({
  hash: r['hash'] as string,
  kind: r['kind'] as StoredToken['kind'],
  grantId: r['grant_id'] as string,
  clientId: r['client_id'] as string,
  accountId: r['account_id'] as string,
  scope: r['scope'] as string,
  authTime: r['auth_time'] as number,
  acr: r['acr'] as string,
  issuedAt: r['issued_at'] as number,
  expiresAt: r['expires_at'] as number,
  revoked: r['revoked_at'] !== null,
});

const toRevision = (r: Row): Revision => ({
  id: r['id'] as number,
  parent: r['parent'] as number | null,
  author: r['author'] as string,
  message: r['message'] as string,
  createdAt: r['created_at'] as number,
  snapshot: JSON.parse(r['snapshot'] as string),
});

const toKey = (r: Row): StoredKey => ({
  kid: r['kid'] as string,
  alg: r['alg'] as string,
  publicJwk: r['public_jwk'] as string,
  privateKey: r['private_key'] as string,
  certificate: r['certificate'] as string,
  createdAt: r['created_at'] as number,
});

export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash with every committed row; only power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const q = {
    insertAccount: db.prepare(
      'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES (@id, @username, @passwordHash, @claims, @createdAt)',
    ),
    accountByName: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    accountById: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    insertSession: db.prepare(
      'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at) VALUES (@idHash, @accountId, @authenticator, @acr, @authTime, @expiresAt)',
    ),
    findSession: db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    insertCode: db.prepare(
      'INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, auth_time, acr, expires_at) VALUES (@hash, @grantId, @clientId, @accountId, @redirectUri, @scope, @nonce, @codeChallenge, @authTime, @acr, @expiresAt)',
    ),
    findCode: db.prepare('SELECT * FROM codes WHERE hash = ?'),
    useCode: db.prepare('UPDATE codes SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    codeGrant: db.prepare('SELECT grant_id FROM codes WHERE hash = ?'),
    insertToken: db.prepare(
      'INSERT INTO tokens (hash, kind, grant_id, client_id, account_id, scope, auth_time, acr, issued_at, expires_at) VALUES (@hash, @kind, @grantId, @clientId, @accountId, @scope, @authTime, @acr, @issuedAt, @expiresAt)',
    ),
    findToken: db.prepare('SELECT * FROM tokens WHERE hash = ?'),
    revokeGrant: db.prepare('UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL'),
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
    insertKey: db.prepare(
      'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at) VALUES (@kid, @alg, @publicJwk, @privateKey, @certificate, @createdAt) ON CONFLICT (kid) DO NOTHING',
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
    },
    sessions: {
      async create(session) {
        q.insertSession.run(session);
      },
      async find(idHash, now) {
        const r = q.findSession.get(idHash, now) as Row | undefined;
        return (
          r && {
            idHash: r['id_hash'] as string,
            accountId: r['account_id'] as string,
            authenticator: r['authenticator'] as string,
            acr: r['acr'] as string,
            authTime: r['auth_time'] as number,
            expiresAt: r['expires_at'] as number,
          }
        );
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
        return (q.listRevisions.all(limit) as Row[]).map((r) => ({
          id: r['id'] as number,
          parent: r['parent'] as number | null,
          author: r['author'] as string,
          message: r['message'] as string,
          createdAt: r['created_at'] as number,
        }));
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
      async insert(key) {
        q.insertKey.run(key);
      },
    },
    async close() {
      db.close();
    },
  };
}
