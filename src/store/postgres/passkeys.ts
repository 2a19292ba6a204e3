// PostgreSQL PasskeyStore: credentials by ID, the counter check in the UPDATE, challenges taken with DELETE ... RETURNING.
import type pg from 'pg';
import { PASSKEY_COLUMNS, passkeyValues, type Row, toChallenge, toPasskey } from '../passkey-rows.ts';
import type { PasskeyStore } from '../ports/index.ts';

export function postgresPasskeys(pool: pg.Pool): PasskeyStore {
  const changed = async (text: string, values: unknown[]) => (await pool.query(text, values)).rowCount === 1;
  const find = async (id: string) => {
    const row = (await pool.query<Row>('SELECT * FROM passkey_credentials WHERE id = $1', [id])).rows[0];
    return row && toPasskey(row);
  };
  return {
    create(c) {
      return changed(
        `INSERT INTO passkey_credentials (${PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
        passkeyValues(c),
      );
    },
    find,
    async listByAccount(accountId) {
      const { rows } = await pool.query<Row>(
        'SELECT * FROM passkey_credentials WHERE account_id = $1 ORDER BY created_at, id',
        [accountId],
      );
      return rows.map(toPasskey);
    },
    rename(accountId, id, name) {
      return changed('UPDATE passkey_credentials SET name = $1 WHERE account_id = $2 AND id = $3', [
        name,
        accountId,
        id,
      ]);
    },
    remove(accountId, id) {
      return changed('DELETE FROM passkey_credentials WHERE account_id = $1 AND id = $2', [accountId, id]);
    },
    async recordUse(id, use) {
      // WebAuthn L3 §6.1.1: a counter that does not grow (unless both are 0) signals a cloned authenticator.
      const ok = await changed(
        'UPDATE passkey_credentials SET counter = $2, backed_up = $3, last_used_at = $4 WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0))',
        [id, use.counter, use.backedUp ? 1 : 0, use.at],
      );
      if (ok) return 'recorded';
      return (await find(id)) ? 'counter' : 'unknown';
    },
    async saveChallenge(c, now) {
      await pool.query('DELETE FROM passkey_challenges WHERE expires_at <= $1', [now]);
      await pool.query(
        'INSERT INTO passkey_challenges (handle_hash, challenge, purpose, account_id, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (handle_hash) DO UPDATE SET challenge = excluded.challenge, purpose = excluded.purpose, account_id = excluded.account_id, expires_at = excluded.expires_at',
        [c.handleHash, c.challenge, c.purpose, c.accountId, c.expiresAt],
      );
    },
    async takeChallenge(handleHash, now) {
      const row = (
        await pool.query<Row>('DELETE FROM passkey_challenges WHERE handle_hash = $1 RETURNING *', [
          handleHash,
        ])
      ).rows[0];
      const found = row && toChallenge(row);
      return found && found.expiresAt > now ? found : undefined;
    },
  };
}
