// PostgreSQL GrantStore: codes, tokens and grants, atomic across every node. Every primitive that issues
// locks the grant's row first (UPDATE ... WHERE revoked_at IS NULL) and every revocation does too, so the
// two queue on that row: an issue that commits first is seen by the revocation, and one that comes after
// finds the grant revoked. One lock order everywhere (grant, then its codes and tokens) rules out deadlocks.
import type pg from 'pg';
import type { GrantStore, IssueResult, NewGrant, TokenRecord } from '../ports/index.ts';
import { type Row, toCode, toToken } from './rows.ts';
import { transaction } from './tx.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

const TOKEN_COLUMNS = [
  'hash',
  'kind',
  'grant_id',
  'client_id',
  'account_id',
  'scope',
  'auth_time',
  'acr',
  'issued_at',
  'expires_at',
  'family_expires_at',
  'claims',
  'audience',
  'jkt',
  'act',
  'subject',
  'amr',
];

const tokenValues = (t: TokenRecord): unknown[] => [
  t.hash,
  t.kind,
  t.grantId,
  t.clientId,
  t.accountId,
  t.scope,
  t.authTime,
  t.acr,
  t.issuedAt,
  t.expiresAt,
  t.familyExpiresAt,
  t.claims,
  t.audience,
  t.jkt,
  t.act ?? null,
  t.subject ?? null,
  t.amr ?? '',
];

/** One multi-row INSERT: atomic on its own, and one round trip however many tokens a grant issues. */
async function insertTokens(db: Queryable, tokens: readonly TokenRecord[]): Promise<void> {
  if (tokens.length === 0) return;
  const width = TOKEN_COLUMNS.length;
  const rows = tokens.map((_, i) => {
    const params = Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`);
    return `(${params.join(', ')})`;
  });
  await db.query(
    `INSERT INTO tokens (${TOKEN_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
    tokens.flatMap(tokenValues),
  );
}

const BIGINT_COLUMNS = new Set(['auth_time', 'issued_at', 'expires_at', 'family_expires_at']);

/**
 * The tokens as a typed VALUES list whose parameters start after `offset`, for INSERT ... SELECT: a
 * parameter in a SELECT has no column to take its type from, so each says its own.
 */
function tokenRows(tokens: readonly TokenRecord[], offset: number): { sql: string; values: unknown[] } {
  const width = TOKEN_COLUMNS.length;
  const rows = tokens.map((_, i) => {
    const params = TOKEN_COLUMNS.map(
      (column, j) => `$${offset + i * width + j + 1}::${BIGINT_COLUMNS.has(column) ? 'bigint' : 'text'}`,
    );
    return `(${params.join(', ')})`;
  });
  return { sql: rows.length === 0 ? '' : `VALUES ${rows.join(', ')}`, values: tokens.flatMap(tokenValues) };
}

/** The INSERT of `rows` when the CTE `cte` has a row (nothing to insert: a SELECT of no rows, for the WITH). */
const insertIf = (cte: string, rows: { sql: string }) =>
  rows.sql === ''
    ? 'SELECT 1 WHERE false'
    : `INSERT INTO tokens (${TOKEN_COLUMNS.join(', ')})
       SELECT * FROM (${rows.sql}) AS v WHERE EXISTS (SELECT 1 FROM ${cte}) RETURNING 1`;

/** The latest moment any of these tokens (or their refresh family) can still be used. */
const lastExpiry = (tokens: readonly TokenRecord[]) =>
  Math.max(0, ...tokens.map((t) => Math.max(t.expiresAt, t.familyExpiresAt ?? 0)));

/** Locks a live grant's row and extends its lifetime; false when the grant was revoked (or never recorded). */
async function lockLiveGrant(
  db: Queryable,
  grantId: string,
  tokens: readonly TokenRecord[],
): Promise<boolean> {
  const result = await db.query(
    'UPDATE grants SET expires_at = greatest(expires_at, $1) WHERE id = $2 AND revoked_at IS NULL',
    [lastExpiry(tokens), grantId],
  );
  return result.rowCount === 1;
}

// Rows are locked in hash order, so two transactions revoking tokens of the same grant queue instead of deadlocking.
const REVOKE_GRANT_TOKENS =
  'UPDATE tokens SET revoked_at = $1 WHERE hash IN (SELECT hash FROM tokens WHERE grant_id = $2 AND revoked_at IS NULL ORDER BY hash FOR UPDATE)';

/**
 * Two statements, not one: under READ COMMITTED the second takes a fresh snapshot after the first has waited
 * on the grant row, so it sees every token an issuer committed before the revocation got the lock.
 */
async function revokeGrants(db: Queryable, now: number, where: string, values: unknown[]): Promise<number> {
  const { rows } = await db.query<Row>(
    `UPDATE grants SET revoked_at = $1 WHERE id IN (SELECT id FROM grants WHERE ${where} AND revoked_at IS NULL ORDER BY id FOR UPDATE) RETURNING id`,
    [now, ...values],
  );
  for (const row of rows) await db.query(REVOKE_GRANT_TOKENS, [now, row['id']]);
  return rows.length;
}

export function postgresGrants(pool: pg.Pool): GrantStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  const issueFrom = async (
    client: Queryable,
    grantId: string,
    from: string | null,
    now: number,
    tokens: readonly TokenRecord[],
  ): Promise<IssueResult> => {
    if (!(await lockLiveGrant(client, grantId, tokens))) return { status: 'revoked' };
    if (from !== null) {
      const row = (
        await client.query<Row>('SELECT revoked_at, expires_at FROM tokens WHERE hash = $1', [from])
      ).rows[0];
      if (!row || row['revoked_at'] !== null || Number(row['expires_at']) <= now)
        return { status: 'revoked' };
    }
    await insertTokens(client, tokens);
    return { status: 'issued' };
  };

  /**
   * issueFrom as one statement: one round trip instead of five (BEGIN, lock, check, insert, COMMIT), the
   * same rules. Its UPDATE of the grant row waits on a revocation holding that row and, once it commits,
   * re-reads the row and finds it revoked (READ COMMITTED re-checks an updated row), so nothing is inserted.
   * `open`: the grant is inserted first when it does not exist yet (a grant that starts without a code).
   */
  const issueAtOnce = async (
    grant: { id: string; open?: NewGrant },
    from: string | null,
    now: number,
    tokens: readonly TokenRecord[],
  ): Promise<IssueResult> => {
    const rows = tokenRows(tokens, 4);
    const live = grant.open
      ? // A new grant is inserted live; an existing one (same id) is extended only while it is not revoked.
        `INSERT INTO grants (id, client_id, account_id, session_hash, expires_at)
           VALUES ($1, $${5 + rows.values.length}, $${6 + rows.values.length}, $${7 + rows.values.length}, greatest($2::bigint, $${8 + rows.values.length}::bigint))
           ON CONFLICT (id) DO UPDATE SET expires_at = greatest(grants.expires_at, excluded.expires_at)
           WHERE grants.revoked_at IS NULL RETURNING id`
      : 'UPDATE grants SET expires_at = greatest(expires_at, $2) WHERE id = $1 AND revoked_at IS NULL RETURNING id';
    const open = grant.open
      ? [grant.open.clientId, grant.open.accountId, grant.open.sessionHash, grant.open.expiresAt]
      : [];
    const result = await pool.query<Row>(
      `WITH g AS (${live}),
       f AS (
         SELECT 1 WHERE $3::text IS NULL
         UNION ALL SELECT 1 FROM tokens WHERE hash = $3 AND revoked_at IS NULL AND expires_at > $4
       ),
       ins AS (
         INSERT INTO tokens (${TOKEN_COLUMNS.join(', ')})
         SELECT * FROM (${rows.sql}) AS v WHERE EXISTS (SELECT 1 FROM g) AND EXISTS (SELECT 1 FROM f)
         RETURNING 1
       )
       SELECT count(*)::int AS inserted FROM ins`,
      [grant.id, lastExpiry(tokens), from, now, ...rows.values, ...open],
    );
    return Number(result.rows[0]?.['inserted'] ?? 0) === tokens.length && tokens.length > 0
      ? { status: 'issued' }
      : { status: 'revoked' };
  };

  return {
    async openGrant(g, now, tokens) {
      if (tokens.length > 0) return issueAtOnce({ id: g.id, open: g }, null, now, tokens);
      return transaction(pool, async (client) => {
        await client.query(
          'INSERT INTO grants (id, client_id, account_id, session_hash, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
          [g.id, g.clientId, g.accountId, g.sessionHash, g.expiresAt],
        );
        return issueFrom(client, g.id, null, now, tokens);
      });
    },
    async saveCode(c) {
      // One statement, so one round trip and atomic: a data-modifying WITH runs whether or not it is read.
      await pool.query(
        `WITH g AS (
           INSERT INTO grants (id, client_id, account_id, session_hash, expires_at) VALUES ($2, $3, $4, $14, $12)
           ON CONFLICT (id) DO UPDATE SET expires_at = greatest(grants.expires_at, excluded.expires_at)
         )
         INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, auth_time, acr, expires_at, claims, resource, jkt, amr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $15, $16, $17)`,
        [
          c.hash,
          c.grantId,
          c.clientId,
          c.accountId,
          c.redirectUri,
          c.scope,
          c.nonce,
          c.codeChallenge,
          c.codeChallengeMethod,
          c.authTime,
          c.acr,
          c.expiresAt,
          c.claims,
          c.sessionHash,
          c.resource,
          c.jkt,
          c.amr ?? '',
        ],
      );
    },
    async findCode(hash) {
      const row = await one(
        'SELECT c.*, g.session_hash FROM codes c LEFT JOIN grants g ON g.id = c.grant_id WHERE c.hash = $1',
        [hash],
      );
      return row && toCode(row);
    },
    async consumeCode(hash, now, tokens) {
      const rows = tokenRows(tokens, 3);
      // One statement, one round trip. Concurrent redemptions of one code queue on the grant's row lock (g,
      // which u waits for through EXISTS): once the first commits, the next re-reads the code row, finds
      // used_at set and inserts nothing. A grant bound to an SSO session that has since ended (a logout
      // between the authorization request's session check and the code's save) is not live.
      const result = await pool.query<Row>(
        `WITH g AS (
           UPDATE grants g SET expires_at = greatest(g.expires_at, $1) FROM codes c
           WHERE c.hash = $2 AND g.id = c.grant_id AND g.revoked_at IS NULL
             AND (g.session_hash IS NULL OR EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = g.session_hash))
           RETURNING g.id
         ),
         u AS (
           UPDATE codes SET used_at = $3 WHERE hash = $2 AND used_at IS NULL AND EXISTS (SELECT 1 FROM g)
           RETURNING hash
         ),
         ins AS (${insertIf('u', rows)})
         SELECT (SELECT id FROM g) AS grant_id, (SELECT count(*) FROM u)::int AS used_now,
           (SELECT count(*) FROM ins) AS inserted, EXISTS (SELECT 1 FROM codes WHERE hash = $2) AS found`,
        [lastExpiry(tokens), hash, now, ...rows.values],
      );
      const row = result.rows[0]!;
      const grantId = row['grant_id'] as string | null;
      if (grantId === null) return { status: row['found'] ? 'revoked' : 'missing' };
      return Number(row['used_now']) === 0 ? { status: 'used', grantId } : { status: 'consumed' };
    },
    async rotateRefreshToken(hash, now, tokens) {
      const rows = tokenRows(tokens, 3);
      // One statement for the common case (the grant's lock, the conditional rotation, the successors);
      // the token is read again only to tell why nothing was rotated. The rotation stays conditional under
      // the grant's lock, since revoking a single token does not take that lock.
      const result = await pool.query<Row>(
        `WITH g AS (
           UPDATE grants g SET expires_at = greatest(g.expires_at, $1) FROM tokens t
           WHERE t.hash = $2 AND g.id = t.grant_id AND g.revoked_at IS NULL
           RETURNING g.id
         ),
         r AS (
           UPDATE tokens SET rotated_at = $3
           WHERE hash = $2 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > $3 AND EXISTS (SELECT 1 FROM g)
           RETURNING hash
         ),
         ins AS (${insertIf('r', rows)})
         SELECT (SELECT count(*) FROM g)::int AS locked, (SELECT count(*) FROM r)::int AS rotated_now,
           (SELECT count(*) FROM ins) AS inserted`,
        [lastExpiry(tokens), hash, now, ...rows.values],
      );
      const row = result.rows[0]!;
      if (Number(row['rotated_now']) > 0) return { status: 'rotated' };
      const stored = await one('SELECT * FROM tokens WHERE hash = $1', [hash]);
      const token = stored && toToken(stored);
      if (Number(row['locked']) === 0) return { status: token ? 'revoked' : 'missing' };
      if (!token || token.revoked || token.expiresAt <= now || token.rotatedAt === null)
        return { status: 'revoked' };
      return { status: 'already_rotated', rotatedAt: token.rotatedAt, grantId: token.grantId };
    },
    async issue(grantId, from, now, tokens) {
      if (tokens.length > 0) return issueAtOnce({ id: grantId }, from, now, tokens);
      return transaction(pool, (client) => issueFrom(client, grantId, from, now, tokens));
    },
    async findToken(hash) {
      const row = await one('SELECT * FROM tokens WHERE hash = $1', [hash]);
      return row && toToken(row);
    },
    async revokeGrant(grantId, now) {
      await transaction(pool, async (client) => {
        await revokeGrants(client, now, 'id = $2', [grantId]);
        // A grant without a row (or revoked before) still has its tokens revoked.
        await client.query(REVOKE_GRANT_TOKENS, [now, grantId]);
      });
    },
    async revokeToken(hash, now) {
      // A token revoked before keeps its first revocation time.
      const result = await pool.query(
        'UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE hash = $2',
        [now, hash],
      );
      return result.rowCount === 1;
    },
    async revokeClientGrants(accountId, clientId, now) {
      await transaction(pool, async (client) => {
        await revokeGrants(client, now, 'account_id = $2 AND client_id = $3', [accountId, clientId]);
        await client.query(
          'UPDATE tokens SET revoked_at = $1 WHERE hash IN (SELECT hash FROM tokens WHERE account_id = $2 AND client_id = $3 AND revoked_at IS NULL ORDER BY hash FOR UPDATE)',
          [now, accountId, clientId],
        );
      });
    },
    async revokeAllClientGrants(clientId, now) {
      await transaction(pool, async (client) => {
        await revokeGrants(client, now, 'client_id = $2', [clientId]);
        await client.query(
          'UPDATE tokens SET revoked_at = $1 WHERE hash IN (SELECT hash FROM tokens WHERE client_id = $2 AND revoked_at IS NULL ORDER BY hash FOR UPDATE)',
          [now, clientId],
        );
      });
    },
    async revokeSessionGrants(sessionHash, now) {
      return transaction(pool, (client) => revokeGrants(client, now, 'session_hash = $2', [sessionHash]));
    },
  };
}
