// PostgreSQL TotpStore: one credential per account and its recovery codes; each single use is one UPDATE.
import type pg from 'pg';
import type { TotpStore } from '../ports/index.ts';
import { type Row, toTotpCredential } from '../totp-rows.ts';
import { transaction } from './tx.ts';

export function postgresTotp(pool: pg.Pool): TotpStore {
  const changed = async (text: string, values: unknown[]) => (await pool.query(text, values)).rowCount === 1;
  return {
    async find(accountId) {
      const row = (await pool.query<Row>('SELECT * FROM totp_credentials WHERE account_id = $1', [accountId]))
        .rows[0];
      return row && toTotpCredential(row);
    },
    startEnrolment(c) {
      // Replaces a pending credential only: a confirmed one is left alone (no row changes).
      return changed(
        'INSERT INTO totp_credentials (account_id, secret_sealed, confirmed_at, last_step, created_at) VALUES ($1, $2, NULL, $3, $4) ON CONFLICT (account_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, last_step = excluded.last_step, created_at = excluded.created_at WHERE totp_credentials.confirmed_at IS NULL',
        [c.accountId, c.secretSealed, c.lastStep, c.createdAt],
      );
    },
    confirm(accountId, step, now) {
      return changed(
        'UPDATE totp_credentials SET confirmed_at = $1, last_step = $2 WHERE account_id = $3 AND confirmed_at IS NULL',
        [now, step, accountId],
      );
    },
    useStep(accountId, step) {
      return changed(
        'UPDATE totp_credentials SET last_step = $1 WHERE account_id = $2 AND confirmed_at IS NOT NULL AND last_step < $1',
        [step, accountId],
      );
    },
    remove(accountId) {
      return transaction(pool, async (db) => {
        await db.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
        return (
          (await db.query('DELETE FROM totp_credentials WHERE account_id = $1', [accountId])).rowCount === 1
        );
      });
    },
    async replaceRecoveryCodes(accountId, hashes, now) {
      await transaction(pool, async (db) => {
        await db.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
        for (const hash of new Set(hashes))
          await db.query(
            'INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES ($1, $2, $3)',
            [accountId, hash, now],
          );
      });
    },
    useRecoveryCode(accountId, hash, now) {
      return changed(
        'UPDATE recovery_codes SET used_at = $1 WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL',
        [now, accountId, hash],
      );
    },
    async recoveryCodesLeft(accountId) {
      const row = (
        await pool.query<Row>(
          'SELECT count(*) AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL',
          [accountId],
        )
      ).rows[0];
      return Number(row?.['n'] ?? 0);
    },
  };
}
