// PostgreSQL AdminStore: admin accounts, sessions, API tokens, drafts and the setup salt (tables from 004_admin.sql).
import type pg from 'pg';
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type { AdminStore } from '../ports/index.ts';
import { isUniqueViolation } from './errors.ts';
import { int, type Row, toAdminSession, toAdminUser, toApiToken, toDraft } from './rows.ts';
import { transaction } from './tx.ts';

/** Advisory lock key (arbitrary, fixed) that first-admin creation queues on, next to the migration and commit keys. */
const SETUP_LOCK = 7_465_737_365_003;

export function postgresAdmin(pool: pg.Pool): AdminStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  const storedVersion = async (owner: string): Promise<number | null> => {
    const row = await one('SELECT version FROM admin_drafts WHERE owner = $1', [owner]);
    return row ? int(row['version']) : null;
  };

  return {
    users: {
      async create(user) {
        try {
          await pool.query(
            'INSERT INTO admin_users (username, password_hash, created_at) VALUES ($1, $2, $3)',
            [user.username, user.passwordHash, user.createdAt],
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new DuplicateError(`admin "${user.username}"`);
          throw error;
        }
      },
      async createFirst(user) {
        try {
          return await transaction(pool, async (client) => {
            // NOT EXISTS alone is no guard: two transactions could each see no admin and insert different names.
            // The lock queues them; the one that waited then sees the committed admin and inserts nothing.
            await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SETUP_LOCK]);
            const inserted = await client.query(
              'INSERT INTO admin_users (username, password_hash, created_at) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM admin_users)',
              [user.username, user.passwordHash, user.createdAt],
            );
            return inserted.rowCount === 1;
          });
        } catch (error) {
          // A plain create() of the same name, which takes no lock, got there first: an admin exists now.
          if (isUniqueViolation(error)) return false;
          throw error;
        }
      },
      async find(username) {
        const row = await one('SELECT * FROM admin_users WHERE username_lower = lower($1)', [username]);
        return row && toAdminUser(row);
      },
      async list() {
        // Ties ordered as SQLite's NOCASE username does, whatever the database's collation.
        const { rows } = await pool.query<Row>(
          'SELECT * FROM admin_users ORDER BY created_at, username_lower COLLATE "C"',
        );
        return rows.map(toAdminUser);
      },
      async setupSalt(candidate) {
        // Every process offers its own candidate; the first insert wins and all of them read that one back.
        await pool.query('INSERT INTO admin_setup (id, salt) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
          candidate,
        ]);
        const row = await one('SELECT salt FROM admin_setup WHERE id = 1', []);
        return row?.['salt'] as string;
      },
    },
    sessions: {
      async create(s) {
        await pool.query(
          'INSERT INTO admin_sessions (id_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)',
          [s.idHash, s.username, s.createdAt, s.expiresAt],
        );
      },
      async find(idHash, now) {
        const row = await one('SELECT * FROM admin_sessions WHERE id_hash = $1 AND expires_at > $2', [
          idHash,
          now,
        ]);
        return row && toAdminSession(row);
      },
      async delete(idHash) {
        await pool.query('DELETE FROM admin_sessions WHERE id_hash = $1', [idHash]);
      },
      async deleteExpired(now) {
        await pool.query('DELETE FROM admin_sessions WHERE expires_at <= $1', [now]);
      },
    },
    tokens: {
      async create(t) {
        try {
          await pool.query(
            'INSERT INTO admin_api_tokens (id, hash, name, owner, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
            [t.id, t.hash, t.name, t.owner, t.createdAt, t.revokedAt],
          );
        } catch (error) {
          if (isUniqueViolation(error)) throw new DuplicateError(`API token "${t.id}"`);
          throw error;
        }
      },
      async findByHash(hash) {
        const row = await one('SELECT * FROM admin_api_tokens WHERE hash = $1', [hash]);
        return row && toApiToken(row);
      },
      async list() {
        const { rows } = await pool.query<Row>('SELECT * FROM admin_api_tokens ORDER BY created_at, seq');
        return rows.map(toApiToken);
      },
      async revoke(id, now) {
        // The IS NULL condition makes a second revoke change nothing, so it keeps the first time and reports false.
        const result = await pool.query(
          'UPDATE admin_api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [now, id],
        );
        return result.rowCount === 1;
      },
    },
    drafts: {
      async get(owner) {
        const row = await one('SELECT * FROM admin_drafts WHERE owner = $1', [owner]);
        return row && toDraft(row);
      },
      async save(draft, expected) {
        const version = (expected ?? 0) + 1;
        const values = [draft.owner, draft.base, JSON.stringify(draft.snapshot), version, draft.updatedAt];
        // Each write is one statement whose condition is the expected state, so concurrent saves on the same
        // version (two tabs, two nodes) cannot both succeed: the loser's statement matches no row.
        const written =
          expected === null
            ? await pool.query(
                'INSERT INTO admin_drafts (owner, base, snapshot, version, updated_at) VALUES ($1, $2, $3::json, $4, $5) ON CONFLICT (owner) DO NOTHING',
                values,
              )
            : await pool.query(
                'UPDATE admin_drafts SET base = $2, snapshot = $3::json, version = $4, updated_at = $5 WHERE owner = $1 AND version = $6',
                [...values, expected],
              );
        if (written.rowCount !== 1) {
          const stored = await storedVersion(draft.owner);
          throw new ConflictError(`draft of ${draft.owner} is at version ${stored}, not ${expected}`, stored);
        }
        return { ...draft, version };
      },
      async delete(owner) {
        await pool.query('DELETE FROM admin_drafts WHERE owner = $1', [owner]);
      },
    },
  };
}
