// SQLite GrantStore: codes, tokens and grants. Every primitive that writes runs in one BEGIN IMMEDIATE
// transaction, so SQLite's single writer makes each check-then-write atomic across worker processes.
import type Database from 'better-sqlite3';
import type {
  ConsumeResult,
  GrantStore,
  IssueResult,
  NewGrant,
  RotateResult,
  TokenRecord,
} from '../ports/index.ts';
import { type Row, toCode, toToken } from './rows.ts';

/** The latest moment any of these tokens (or their refresh family) can still be used. */
const lastExpiry = (tokens: readonly TokenRecord[]) =>
  Math.max(0, ...tokens.map((t) => Math.max(t.expiresAt, t.familyExpiresAt ?? 0)));

export function createSqliteGrants(db: Database.Database): GrantStore {
  const q = {
    insertGrant: db.prepare(
      'INSERT INTO grants (id, client_id, account_id, session_hash, expires_at) VALUES (@grantId, @clientId, @accountId, @sessionHash, @expiresAt) ON CONFLICT (id) DO UPDATE SET expires_at = max(grants.expires_at, excluded.expires_at)',
    ),
    openGrant: db.prepare(
      'INSERT INTO grants (id, client_id, account_id, session_hash, expires_at) VALUES (@id, @clientId, @accountId, @sessionHash, @expiresAt) ON CONFLICT (id) DO NOTHING',
    ),
    insertCode: db.prepare(
      'INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, auth_time, acr, expires_at, claims, resource, jkt, amr) VALUES (@hash, @grantId, @clientId, @accountId, @redirectUri, @scope, @nonce, @codeChallenge, @codeChallengeMethod, @authTime, @acr, @expiresAt, @claims, @resource, @jkt, @amr)',
    ),
    findCode: db.prepare(
      'SELECT c.*, g.session_hash FROM codes c LEFT JOIN grants g ON g.id = c.grant_id WHERE c.hash = ?',
    ),
    codeExists: db.prepare('SELECT 1 FROM codes WHERE hash = ?'),
    // Finds the code's grant, checks it is live and extends it, in one statement. A grant bound to an SSO
    // session that has since ended (a logout between the authorization request's session check and the
    // code's save) is not live: its code must not be redeemed.
    consumableGrant: db.prepare(
      'UPDATE grants SET expires_at = max(expires_at, ?) WHERE id = (SELECT grant_id FROM codes WHERE hash = ?) AND revoked_at IS NULL AND (session_hash IS NULL OR EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = grants.session_hash)) RETURNING id',
    ),
    useCode: db.prepare('UPDATE codes SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    // Live check and lifetime extension in one statement: no row changed means the grant was revoked.
    extendLiveGrant: db.prepare(
      'UPDATE grants SET expires_at = max(expires_at, ?) WHERE id = ? AND revoked_at IS NULL',
    ),
    insertToken: db.prepare(
      'INSERT INTO tokens (hash, kind, grant_id, client_id, account_id, scope, auth_time, acr, issued_at, expires_at, family_expires_at, claims, audience, jkt, act, subject, amr) VALUES (@hash, @kind, @grantId, @clientId, @accountId, @scope, @authTime, @acr, @issuedAt, @expiresAt, @familyExpiresAt, @claims, @audience, @jkt, @act, @subject, @amr)',
    ),
    findToken: db.prepare('SELECT * FROM tokens WHERE hash = ?'),
    rotate: db.prepare(
      'UPDATE tokens SET rotated_at = ? WHERE hash = ? AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
    ),
    revokeGrantRow: db.prepare('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    revokeGrantTokens: db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL',
    ),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE hash = ?'),
    revokeClientGrantRows: db.prepare(
      'UPDATE grants SET revoked_at = ? WHERE account_id = ? AND client_id = ? AND revoked_at IS NULL',
    ),
    revokeClientTokens: db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND client_id = ? AND revoked_at IS NULL',
    ),
    sessionGrants: db.prepare('SELECT id FROM grants WHERE session_hash = ? AND revoked_at IS NULL'),
    revokeAllClientGrantRows: db.prepare(
      'UPDATE grants SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL',
    ),
    revokeAllClientTokens: db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL',
    ),
  };

  const insertTokens = (tokens: readonly TokenRecord[]) => {
    for (const t of tokens)
      q.insertToken.run({ ...t, act: t.act ?? null, subject: t.subject ?? null, amr: t.amr ?? '' });
  };
  const live = (grantId: string, tokens: readonly TokenRecord[]) =>
    q.extendLiveGrant.run(lastExpiry(tokens), grantId).changes === 1;
  const revokeGrant = (grantId: string, now: number) => {
    q.revokeGrantRow.run(now, grantId);
    q.revokeGrantTokens.run(now, grantId);
  };

  const consume = db.transaction(
    (hash: string, now: number, tokens: readonly TokenRecord[]): ConsumeResult => {
      const grant = q.consumableGrant.get(lastExpiry(tokens), hash) as Row | undefined;
      if (!grant) return { status: q.codeExists.get(hash) ? 'revoked' : 'missing' };
      const grantId = grant['id'] as string;
      if (q.useCode.run(now, hash).changes === 0) return { status: 'used', grantId };
      insertTokens(tokens);
      return { status: 'consumed' };
    },
  );
  const rotate = db.transaction((hash: string, now: number, tokens: readonly TokenRecord[]): RotateResult => {
    const row = q.findToken.get(hash) as Row | undefined;
    if (!row) return { status: 'missing' };
    const token = toToken(row);
    if (token.revoked || token.expiresAt <= now) return { status: 'revoked' };
    if (token.rotatedAt !== null) {
      return { status: 'already_rotated', rotatedAt: token.rotatedAt, grantId: token.grantId };
    }
    if (!live(token.grantId, tokens)) return { status: 'revoked' };
    q.rotate.run(now, hash, now);
    insertTokens(tokens);
    return { status: 'rotated' };
  });
  const issue = db.transaction(
    (grantId: string, from: string | null, now: number, tokens: readonly TokenRecord[]): IssueResult => {
      if (from !== null) {
        const row = q.findToken.get(from) as Row | undefined;
        if (!row || row['revoked_at'] !== null || (row['expires_at'] as number) <= now) {
          return { status: 'revoked' };
        }
      }
      if (!live(grantId, tokens)) return { status: 'revoked' };
      insertTokens(tokens);
      return { status: 'issued' };
    },
  );
  const open = db.transaction((grant: NewGrant, now: number, tokens: readonly TokenRecord[]): IssueResult => {
    // A new row is live and already lasts as long as its tokens; only an existing one needs the live check.
    const expiresAt = Math.max(grant.expiresAt, lastExpiry(tokens));
    if (q.openGrant.run({ ...grant, expiresAt }).changes === 0) return issue(grant.id, null, now, tokens);
    insertTokens(tokens);
    return { status: 'issued' };
  });
  const revokeGrantTx = db.transaction(revokeGrant);
  const revokeClient = db.transaction((accountId: string, clientId: string, now: number) => {
    q.revokeClientGrantRows.run(now, accountId, clientId);
    // Tokens of grants written before grants had rows are reached by account and client directly.
    q.revokeClientTokens.run(now, accountId, clientId);
  });
  const revokeAllClient = db.transaction((clientId: string, now: number) => {
    q.revokeAllClientGrantRows.run(now, clientId);
    q.revokeAllClientTokens.run(now, clientId);
  });
  const revokeSession = db.transaction((sessionHash: string, now: number) => {
    const ids = (q.sessionGrants.all(sessionHash) as Row[]).map((r) => r['id'] as string);
    for (const id of ids) revokeGrant(id, now);
    return ids.length;
  });
  const saveCode = db.transaction((code: Parameters<GrantStore['saveCode']>[0]) => {
    q.insertGrant.run(code);
    q.insertCode.run({ ...code, amr: code.amr ?? '' });
  });

  return {
    async openGrant(grant, now, tokens) {
      return open.immediate(grant, now, tokens);
    },
    async saveCode(code) {
      saveCode.immediate(code);
    },
    async findCode(hash) {
      const row = q.findCode.get(hash) as Row | undefined;
      return row && toCode(row);
    },
    async consumeCode(hash, now, tokens) {
      return consume.immediate(hash, now, tokens);
    },
    async rotateRefreshToken(hash, now, tokens) {
      return rotate.immediate(hash, now, tokens);
    },
    async issue(grantId, from, now, tokens) {
      return issue.immediate(grantId, from, now, tokens);
    },
    async findToken(hash) {
      const row = q.findToken.get(hash) as Row | undefined;
      return row && toToken(row);
    },
    async revokeGrant(grantId, now) {
      revokeGrantTx.immediate(grantId, now);
    },
    async revokeToken(hash, now) {
      return q.revokeToken.run(now, hash).changes === 1;
    },
    async revokeClientGrants(accountId, clientId, now) {
      revokeClient.immediate(accountId, clientId, now);
    },
    async revokeAllClientGrants(clientId, now) {
      revokeAllClient.immediate(clientId, now);
    },
    async revokeSessionGrants(sessionHash, now) {
      return revokeSession.immediate(sessionHash, now);
    },
  };
}
