// Codes and tokens on PostgreSQL: single-use redemption and refresh rotation, atomic across every node.
import type pg from 'pg';
import type { GrantStore, TokenRecord } from '../ports/index.ts';
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

// Rows are locked in hash order, so two transactions revoking the same grant at once queue instead of deadlocking.
const REVOKE_GRANT =
  'UPDATE tokens SET revoked_at = $1 WHERE hash IN (SELECT hash FROM tokens WHERE grant_id = $2 AND revoked_at IS NULL ORDER BY hash FOR UPDATE)';

export function postgresGrants(pool: pg.Pool): GrantStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
    async saveCode(c) {
      await pool.query(
        'INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, auth_time, acr, expires_at, claims) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
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
        ],
      );
    },
    async findCode(hash) {
      const row = await one('SELECT * FROM codes WHERE hash = $1', [hash]);
      return row && toCode(row);
    },
    async redeemCode(hash, now, tokens) {
      return transaction(pool, async (client) => {
        // Every redemption of this code first takes the code's row lock and keeps it to the end, so they
        // run one after another: exactly one finds used_at empty, and revocations never interleave.
        const code = (
          await client.query<Row>('SELECT grant_id, used_at FROM codes WHERE hash = $1 FOR UPDATE', [hash])
        ).rows[0];
        if (!code) return { status: 'missing' } as const;
        if (code['used_at'] === null) {
          await client.query('UPDATE codes SET used_at = $1 WHERE hash = $2', [now, hash]);
          await insertTokens(client, tokens);
          return { status: 'redeemed' } as const;
        }
        // READ COMMITTED gives this statement a fresh snapshot, so it sees the tokens the winner committed
        // while we waited on its row lock: RFC 6749 §4.1.2 asks for those to be revoked too.
        await client.query(REVOKE_GRANT, [now, code['grant_id']]);
        return { status: 'already_used' } as const;
      });
    },
    async saveTokens(tokens) {
      await insertTokens(pool, tokens);
    },
    async findToken(hash) {
      const row = await one('SELECT * FROM tokens WHERE hash = $1', [hash]);
      return row && toToken(row);
    },
    async revokeGrant(grantId, now) {
      await pool.query(REVOKE_GRANT, [now, grantId]);
    },
    async revokeClientTokens(accountId, clientId, now) {
      await pool.query(
        'UPDATE tokens SET revoked_at = $1 WHERE hash IN (SELECT hash FROM tokens WHERE account_id = $2 AND client_id = $3 AND revoked_at IS NULL ORDER BY hash FOR UPDATE)',
        [now, accountId, clientId],
      );
    },
    async revokeToken(hash, now) {
      // A token revoked before keeps its first revocation time.
      const result = await pool.query(
        'UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE hash = $2',
        [now, hash],
      );
      return result.rowCount === 1;
    },
    async rotateRefreshToken(hash, now, graceSeconds, tokens) {
      return transaction(pool, async (client) => {
        // As in redeemCode: the token's row lock, held to the end, makes concurrent rotations queue.
        const row = (
          await client.query<Row>('SELECT grant_id, rotated_at FROM tokens WHERE hash = $1 FOR UPDATE', [
            hash,
          ])
        ).rows[0];
        if (!row) return { status: 'missing' } as const;
        if (row['rotated_at'] === null) {
          await client.query('UPDATE tokens SET rotated_at = $1 WHERE hash = $2', [now, hash]);
          await insertTokens(client, tokens);
          return { status: 'rotated' } as const;
        }
        // A client retrying a rotation whose response it lost is not an attacker replaying a stolen token.
        if (graceSeconds > 0 && now - Number(row['rotated_at']) <= graceSeconds) {
          await insertTokens(client, tokens);
          return { status: 'grace' } as const;
        }
        await client.query(REVOKE_GRANT, [now, row['grant_id']]);
        return { status: 'reused' } as const;
      });
    },
  };
}
