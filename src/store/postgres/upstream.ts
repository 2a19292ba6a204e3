// PostgreSQL UpstreamStore: identities by (issuer, subject), an account and its link in one transaction,
// logins taken with DELETE ... RETURNING so each stage is used once.
import type pg from 'pg';
import type { CreateLinkedResult, UpstreamStore } from '../ports/index.ts';
import {
  IDENTITY_COLUMNS,
  identityValues,
  LOGIN_COLUMNS,
  loginValues,
  type Row,
  toIdentity,
  toLogin,
} from '../upstream-rows.ts';
import { isUniqueViolation } from './errors.ts';
import { transaction } from './tx.ts';

const LINK = `INSERT INTO upstream_identities (${IDENTITY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (issuer, subject) DO NOTHING`;

/** Thrown inside the transaction so it rolls back, then read as the outcome. */
class Outcome extends Error {
  constructor(readonly result: CreateLinkedResult) {
    super(result);
  }
}

export function postgresUpstream(pool: pg.Pool): UpstreamStore {
  const changed = async (text: string, values: unknown[]) => (await pool.query(text, values)).rowCount === 1;
  const first = async (text: string, values: unknown[]) => (await pool.query<Row>(text, values)).rows[0];
  const live = (row: Row | undefined, now: number) => {
    const found = row && toLogin(row);
    return found && found.expiresAt > now ? found : undefined;
  };
  return {
    async findIdentity(issuer, subject) {
      const row = await first('SELECT * FROM upstream_identities WHERE issuer = $1 AND subject = $2', [
        issuer,
        subject,
      ]);
      return row && toIdentity(row);
    },
    async listIdentities(accountId) {
      const { rows } = await pool.query<Row>(
        'SELECT * FROM upstream_identities WHERE account_id = $1 ORDER BY created_at, issuer, subject',
        [accountId],
      );
      return rows.map(toIdentity);
    },
    link(identity) {
      return changed(LINK, identityValues(identity));
    },
    async createLinkedAccount(account, identity) {
      try {
        return await transaction(pool, async (client) => {
          try {
            await client.query(
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
            if (isUniqueViolation(error)) throw new Outcome('username_taken');
            throw error;
          }
          // A link made meanwhile by another request wins; this account is rolled back with the transaction.
          if ((await client.query(LINK, identityValues(identity))).rowCount !== 1)
            throw new Outcome('identity_taken');
          return 'created' as const;
        });
      } catch (error) {
        if (error instanceof Outcome) return error.result;
        throw error;
      }
    },
    async recordUse(issuer, subject, at) {
      await pool.query(
        'UPDATE upstream_identities SET last_used_at = $1 WHERE issuer = $2 AND subject = $3',
        [at, issuer, subject],
      );
    },
    unlink(accountId, issuer, subject) {
      return changed(
        'DELETE FROM upstream_identities WHERE account_id = $1 AND issuer = $2 AND subject = $3',
        [accountId, issuer, subject],
      );
    },
    async saveLogin(login, now) {
      await pool.query('DELETE FROM upstream_logins WHERE expires_at <= $1', [now]);
      await pool.query(
        `INSERT INTO upstream_logins (${LOGIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (handle_hash) DO UPDATE SET authenticator = excluded.authenticator, return_to = excluded.return_to, policy = excluded.policy, expires_at = excluded.expires_at, pending = excluded.pending`,
        loginValues(login),
      );
    },
    async takeLogin(handleHash, now) {
      const row = await first(
        'DELETE FROM upstream_logins WHERE handle_hash = $1 AND pending IS NULL RETURNING *',
        [handleHash],
      );
      return live(row, now);
    },
    async findPending(handleHash, now) {
      const row = await first(
        'SELECT * FROM upstream_logins WHERE handle_hash = $1 AND pending IS NOT NULL AND expires_at > $2',
        [handleHash, now],
      );
      return row && toLogin(row);
    },
    async takePending(handleHash, now) {
      const row = await first(
        'DELETE FROM upstream_logins WHERE handle_hash = $1 AND pending IS NOT NULL RETURNING *',
        [handleHash],
      );
      return live(row, now);
    },
  };
}
