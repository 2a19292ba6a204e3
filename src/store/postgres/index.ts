// PostgreSQL store (pg): the scale-out option, shared by any number of stateless Tessera nodes.
import pg from 'pg';
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type { Store, TokenRecord } from '../ports/index.ts';
import { migrate } from './migrate.ts';
import {
  type Row,
  toAccount,
  toCode,
  toKey,
  toRevision,
  toRevisionMeta,
  toSession,
  toToken,
} from './rows.ts';
import { transaction } from './tx.ts';

export interface PostgresStoreOptions {
  /** Connections this process may hold; every worker process has its own pool. */
  poolSize?: number;
}

// pg's own default; a token request holds a connection for a few round trips, so a handful serve many requests.
const DEFAULT_POOL_SIZE = 10;
/** Advisory lock key (arbitrary, fixed) that config commits queue on. */
const COMMIT_LOCK = 7_465_737_365_002;
const UNIQUE_VIOLATION = '23505';

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === UNIQUE_VIOLATION;

type Queryable = Pick<pg.PoolClient, 'query'>;

const TOKEN_COLUMNS =
  'hash, kind, grant_id, client_id, account_id, scope, auth_time, acr, issued_at, expires_at';
const TOKEN_FIELDS = 10;

/** One multi-row INSERT: atomic on its own, and one round trip however many tokens a grant issues. */
async function insertTokens(db: Queryable, tokens: readonly TokenRecord[]): Promise<void> {
  if (tokens.length === 0) return;
  const values = tokens.flatMap((t) => [
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
  ]);
  const rows = tokens.map((_, i) => {
    const params = Array.from({ length: TOKEN_FIELDS }, (_, j) => `$${i * TOKEN_FIELDS + j + 1}`);
    return `(${params.join(', ')})`;
  });
  await db.query(`INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ${rows.join(', ')}`, values);
}

const REVOKE_GRANT = 'UPDATE tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL';

async function currentRevisionId(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<Row>('SELECT max(id) AS id FROM config_revisions');
  return (rows[0]?.['id'] as number | null | undefined) ?? null;
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const max = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`poolSize must be a positive integer, not ${max}`);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    // A database that does not answer should fail the request, not hold it until the client gives up.
    connectionTimeoutMillis: 10_000,
    application_name: 'tessera',
  });
  // An idle connection that dies (server restart, failover) is dropped and replaced on the next checkout;
  // without a listener, pg's 'error' event would crash the process. Failed queries reach their callers.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
    engine: 'postgres',
    accounts: {
      async create(account) {
        try {
          await pool.query(
            'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)',
            [
              account.id,
              account.username,
              account.passwordHash,
              JSON.stringify(account.claims),
              account.createdAt,
            ],
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new DuplicateError(`account "${account.username}"`);
          throw error;
        }
        return { ...account, disabled: false };
      },
      async findByUsername(username) {
        // Written as lower(username) so the unique index on that expression serves the lookup.
        const row = await one('SELECT * FROM accounts WHERE lower(username) = lower($1)', [username]);
        return row && toAccount(row);
      },
      async findById(id) {
        const row = await one('SELECT * FROM accounts WHERE id = $1', [id]);
        return row && toAccount(row);
      },
    },
    sessions: {
      async create(s) {
        await pool.query(
          'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [s.idHash, s.accountId, s.authenticator, s.acr, s.authTime, s.expiresAt],
        );
      },
      async find(idHash, now) {
        const row = await one('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
        return row && toSession(row);
      },
      async delete(idHash) {
        await pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
      },
    },
    grants: {
      async saveCode(c) {
        await pool.query(
          'INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, auth_time, acr, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
          [
            c.hash,
            c.grantId,
            c.clientId,
            c.accountId,
            c.redirectUri,
            c.scope,
            c.nonce,
            c.codeChallenge,
            c.authTime,
            c.acr,
            c.expiresAt,
          ],
        );
      },
      async findCode(hash) {
        const row = await one('SELECT * FROM codes WHERE hash = $1', [hash]);
        return row && toCode(row);
      },
      async redeemCode(hash, now, tokens) {
        return transaction(pool, async (client) => {
          // The row lock makes concurrent redemptions queue here; each later one re-checks used_at after the
          // winner commits and matches nothing, so exactly one gets RETURNING rows.
          const used = await client.query(
            'UPDATE codes SET used_at = $1 WHERE hash = $2 AND used_at IS NULL RETURNING grant_id',
            [now, hash],
          );
          if (used.rowCount === 1) {
            await insertTokens(client, tokens);
            return { status: 'redeemed' } as const;
          }
          const code = (await client.query<Row>('SELECT grant_id FROM codes WHERE hash = $1', [hash]))
            .rows[0];
          if (!code) return { status: 'missing' } as const;
          // READ COMMITTED gives this statement a fresh snapshot, so it sees the tokens a winner committed
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
    },
    config: {
      async current() {
        const row = await one('SELECT * FROM config_revisions ORDER BY id DESC LIMIT 1', []);
        return row && toRevision(row);
      },
      async currentId() {
        return currentRevisionId(pool);
      },
      async commit(revision) {
        try {
          return await transaction(pool, async (client) => {
            // Commits from every node queue on this lock, so the parent check sees each commit that won before.
            await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [COMMIT_LOCK]);
            const current = await currentRevisionId(client);
            if (revision.parent !== current) {
              throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
            }
            const id = (current ?? 0) + 1;
            await client.query(
              'INSERT INTO config_revisions (id, parent, author, message, created_at, snapshot) VALUES ($1, $2, $3, $4, $5, $6::json)',
              [
                id,
                revision.parent,
                revision.author,
                revision.message,
                revision.createdAt,
                JSON.stringify(revision.snapshot),
              ],
            );
            return { ...revision, id };
          });
        } catch (error) {
          // The primary key backs the lock up: a writer that bypassed it still cannot take the same id.
          if (!isUniqueViolation(error)) throw error;
          const current = await currentRevisionId(pool);
          throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
        }
      },
      async list(limit) {
        const { rows } = await pool.query<Row>(
          'SELECT id, parent, author, message, created_at FROM config_revisions ORDER BY id DESC LIMIT $1',
          [limit],
        );
        return rows.map(toRevisionMeta);
      },
      async get(id) {
        const row = await one('SELECT * FROM config_revisions WHERE id = $1', [id]);
        return row && toRevision(row);
      },
    },
    keys: {
      async list() {
        // COLLATE "C" orders kids bytewise, as SQLite does, whatever the database's collation.
        const { rows } = await pool.query<Row>(
          'SELECT * FROM signing_keys ORDER BY created_at, kid COLLATE "C"',
        );
        return rows.map(toKey);
      },
      async insert(k) {
        // Nodes starting together may insert the same key; the row already there is kept as it is.
        await pool.query(
          'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kid) DO NOTHING',
          [k.kid, k.alg, k.publicJwk, k.privateKey, k.certificate, k.createdAt],
        );
      },
    },
    async close() {
      await pool.end();
    },
  };
}
