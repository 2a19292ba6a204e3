// PostgreSQL store (pg): the scale-out option, shared by any number of stateless Tessera nodes.
import type pg from 'pg';
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type { Store } from '../ports/index.ts';
import { postgresAdmin } from './admin.ts';
import { isUniqueViolation } from './errors.ts';
import { postgresGrants } from './grants.ts';
import { postgresMaintenance } from './maintenance.ts';
import { migrate } from './migrate.ts';
import { CONFIG_CHANNEL, listen } from './notify.ts';
import { type Row, toAccount, toConsent, toKey, toRevision, toRevisionMeta, toSession } from './rows.ts';
import { transaction } from './tx.ts';
import { GuardedPool } from './unavailable.ts';

export interface PostgresStoreOptions {
  /** Connections this process may hold; every worker process has its own pool. */
  poolSize?: number;
}

// pg's own default; a token request holds a connection for a few round trips, so a handful serve many requests.
const DEFAULT_POOL_SIZE = 10;
/** Advisory lock key (arbitrary, fixed) that config commits queue on. */
const COMMIT_LOCK = 7_465_737_365_002;
/** Advisory lock key that nodes creating the first signing keys queue on. */
const FIRST_KEY_LOCK = 7_465_737_365_004;

type Queryable = Pick<pg.PoolClient, 'query'>;

async function currentRevisionId(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<Row>('SELECT max(id) AS id FROM config_revisions');
  return (rows[0]?.['id'] as number | null | undefined) ?? null;
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const max = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`poolSize must be a positive integer, not ${max}`);
  const pool: pg.Pool = new GuardedPool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    // A database that does not answer should fail the request, not hold it until the client gives up.
    connectionTimeoutMillis: 3_000,
    // A query stuck on a dead connection fails instead of holding the request.
    query_timeout: 10_000,
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
      async list(limit) {
        const { rows } = await pool.query<Row>(
          'SELECT * FROM accounts ORDER BY created_at, id COLLATE "C" LIMIT $1',
          [limit],
        );
        return rows.map(toAccount);
      },
      async updateClaims(id, claims) {
        await pool.query('UPDATE accounts SET claims = $1::jsonb WHERE id = $2', [
          JSON.stringify(claims),
          id,
        ]);
      },
      async setDisabled(id, disabled) {
        await transaction(pool, async (client) => {
          await client.query('UPDATE accounts SET disabled = $1 WHERE id = $2', [disabled, id]);
          // A disabled account keeps no SSO session.
          if (disabled) await client.query('DELETE FROM sessions WHERE account_id = $1', [id]);
        });
      },
    },
    consents: {
      async find(accountId, clientId) {
        const row = await one('SELECT * FROM consents WHERE account_id = $1 AND client_id = $2', [
          accountId,
          clientId,
        ]);
        return row && toConsent(row);
      },
      async save(c) {
        await pool.query(
          'INSERT INTO consents (account_id, client_id, scope, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, client_id) DO UPDATE SET scope = excluded.scope, created_at = excluded.created_at',
          [c.accountId, c.clientId, c.scope, c.createdAt],
        );
      },
      async list(accountId) {
        // client_id breaks ties the way SQLite's primary-key scan does, so both engines list alike.
        const { rows } = await pool.query<Row>(
          'SELECT * FROM consents WHERE account_id = $1 ORDER BY created_at, client_id COLLATE "C"',
          [accountId],
        );
        return rows.map(toConsent);
      },
      async delete(accountId, clientId) {
        await pool.query('DELETE FROM consents WHERE account_id = $1 AND client_id = $2', [
          accountId,
          clientId,
        ]);
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
    grants: postgresGrants(pool),
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
            // Delivered to every listening node when (and only if) this transaction commits.
            await client.query('SELECT pg_notify($1, $2)', [CONFIG_CHANNEL, String(id)]);
            return { ...revision, id };
          });
        } catch (error) {
          // The primary key backs the lock up: a writer that bypassed it still cannot take the same id.
          if (!isUniqueViolation(error)) throw error;
          const current = await currentRevisionId(pool);
          throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
        }
      },
      watch(onChange) {
        return listen(url, onChange);
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
      async insertFirst(k) {
        return transaction(pool, async (client) => {
          // Nodes starting together on an empty database queue here; the first inserts, the rest find its key.
          await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [FIRST_KEY_LOCK]);
          const result = await client.query(
            'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE alg = $2 AND retired_at IS NULL)',
            [k.kid, k.alg, k.publicJwk, k.privateKey, k.certificate, k.createdAt, k.activatesAt, k.retiredAt],
          );
          return result.rowCount === 1;
        });
      },
      async insert(k) {
        // Nodes starting together may insert the same key; the row already there is kept as it is.
        await pool.query(
          'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kid) DO NOTHING',
          [k.kid, k.alg, k.publicJwk, k.privateKey, k.certificate, k.createdAt, k.activatesAt, k.retiredAt],
        );
      },
      async retire(kid, at) {
        // Retiring twice keeps the first time, as the SQLite store does.
        await pool.query('UPDATE signing_keys SET retired_at = $1 WHERE kid = $2 AND retired_at IS NULL', [
          at,
          kid,
        ]);
      },
      async delete(kid) {
        await pool.query('DELETE FROM signing_keys WHERE kid = $1', [kid]);
      },
    },
    throttle: {
      async failures(key, now) {
        const row = await one(
          'SELECT failures, expires_at FROM login_failures WHERE key_hash = $1 AND expires_at > $2',
          [key, now],
        );
        return row && { count: Number(row['failures']), expiresAt: Number(row['expires_at']) };
      },
      async recordFailure(key, now, windowSeconds) {
        // One statement, so concurrent failures on several nodes each count. A closed window starts over at 1.
        await pool.query(
          'INSERT INTO login_failures (key_hash, failures, expires_at) VALUES ($1, 1, $3) ON CONFLICT (key_hash) DO UPDATE SET failures = CASE WHEN login_failures.expires_at <= $2 THEN 1 ELSE login_failures.failures + 1 END, expires_at = CASE WHEN login_failures.expires_at <= $2 THEN excluded.expires_at ELSE login_failures.expires_at END',
          [key, now, now + windowSeconds],
        );
      },
      async clear(key) {
        await pool.query('DELETE FROM login_failures WHERE key_hash = $1', [key]);
      },
    },
    maintenance: postgresMaintenance(pool),
    admin: postgresAdmin(pool),
    async close() {
      await pool.end();
    },
  };
}
