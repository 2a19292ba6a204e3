// SQLite TotpStore: one credential per account and its recovery codes; each single use is one UPDATE.
import type Database from 'better-sqlite3';
import type { TotpCredential, TotpStore } from '../ports/index.ts';
import { type Row, toTotpCredential } from '../totp-rows.ts';

export function createSqliteTotp(db: Database.Database): TotpStore {
  const q = {
    find: db.prepare('SELECT * FROM totp_credentials WHERE account_id = ?'),
    // Replaces a pending credential only: a confirmed one is left alone (no row changes).
    start: db.prepare(
      'INSERT INTO totp_credentials (account_id, secret_sealed, confirmed_at, last_step, created_at) VALUES (@accountId, @secretSealed, NULL, @lastStep, @createdAt) ON CONFLICT (account_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, last_step = excluded.last_step, created_at = excluded.created_at WHERE totp_credentials.confirmed_at IS NULL',
    ),
    confirm: db.prepare(
      'UPDATE totp_credentials SET confirmed_at = ?, last_step = ? WHERE account_id = ? AND confirmed_at IS NULL',
    ),
    useStep: db.prepare(
      'UPDATE totp_credentials SET last_step = ? WHERE account_id = ? AND confirmed_at IS NOT NULL AND last_step < ?',
    ),
    remove: db.prepare('DELETE FROM totp_credentials WHERE account_id = ?'),
    clearCodes: db.prepare('DELETE FROM recovery_codes WHERE account_id = ?'),
    insertCode: db.prepare('INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (?, ?, ?)'),
    useCode: db.prepare(
      'UPDATE recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at IS NULL',
    ),
    codesLeft: db.prepare(
      'SELECT count(*) AS n FROM recovery_codes WHERE account_id = ? AND used_at IS NULL',
    ),
  };
  const remove = db.transaction((accountId: string) => {
    q.clearCodes.run(accountId);
    return q.remove.run(accountId).changes === 1;
  });
  const replace = db.transaction((accountId: string, hashes: readonly string[], now: number) => {
    q.clearCodes.run(accountId);
    for (const hash of new Set(hashes)) q.insertCode.run(accountId, hash, now);
  });
  return {
    async find(accountId) {
      const row = q.find.get(accountId) as Row | undefined;
      return row && toTotpCredential(row);
    },
    async startEnrolment(c: TotpCredential) {
      return q.start.run(c).changes === 1;
    },
    async confirm(accountId, step, now) {
      return q.confirm.run(now, step, accountId).changes === 1;
    },
    async useStep(accountId, step) {
      return q.useStep.run(step, accountId, step).changes === 1;
    },
    async remove(accountId) {
      return remove(accountId);
    },
    async replaceRecoveryCodes(accountId, hashes, now) {
      replace(accountId, hashes, now);
    },
    async useRecoveryCode(accountId, hash, now) {
      return q.useCode.run(now, accountId, hash).changes === 1;
    },
    async recoveryCodesLeft(accountId) {
      return Number((q.codesLeft.get(accountId) as Row)['n']);
    },
  };
}
