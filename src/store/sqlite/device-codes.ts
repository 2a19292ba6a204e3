// SQLite DeviceCodeStore: device authorization requests; each state change is one conditional UPDATE.
import type Database from 'better-sqlite3';
import { DEVICE_CODE_COLUMNS, toDeviceCode } from '../device-code-rows.ts';
import type { DeviceCodeStore } from '../ports/index.ts';
import type { Row } from './rows.ts';

export function createSqliteDeviceCodes(db: Database.Database): DeviceCodeStore {
  const q = {
    // A taken user code inserts nothing: the caller draws another one.
    create: db.prepare(
      'INSERT INTO device_codes (hash, user_code_hash, client_id, scope, resource, expires_at, poll_interval) VALUES (@hash, @userCodeHash, @clientId, @scope, @resource, @expiresAt, @interval) ON CONFLICT (user_code_hash) DO NOTHING',
    ),
    findPending: db.prepare(
      `SELECT ${DEVICE_CODE_COLUMNS} FROM device_codes WHERE user_code_hash = ? AND status = 'pending' AND expires_at > ?`,
    ),
    decide: db.prepare(
      "UPDATE device_codes SET status = @status, account_id = @accountId, auth_time = @authTime, acr = @acr, amr = @amr WHERE user_code_hash = @userCodeHash AND status = 'pending' AND expires_at > @now",
    ),
    find: db.prepare(`SELECT ${DEVICE_CODE_COLUMNS} FROM device_codes WHERE hash = ?`),
    polled: db.prepare('UPDATE device_codes SET last_polled_at = ? WHERE hash = ?'),
    slowDown: db.prepare(
      'UPDATE device_codes SET poll_interval = poll_interval + ? WHERE hash = ? RETURNING poll_interval',
    ),
    consume: db.prepare(
      "UPDATE device_codes SET status = 'consumed' WHERE hash = ? AND status = 'approved' AND expires_at > ?",
    ),
  };
  // IMMEDIATE: the write lock is taken before the read, so two workers' polls are serialized.
  const poll = db.transaction((hash: string, now: number) => {
    const row = q.find.get(hash) as Row | undefined;
    if (row) q.polled.run(now, hash);
    return row && toDeviceCode(row);
  });
  return {
    async create(record) {
      return q.create.run(record).changes === 1;
    },
    async findPending(userCodeHash, now) {
      const row = q.findPending.get(userCodeHash, now) as Row | undefined;
      return row && toDeviceCode(row);
    },
    async decide(userCodeHash, now, decision) {
      const approved = decision.kind === 'approve';
      const result = q.decide.run({
        userCodeHash,
        now,
        status: approved ? 'approved' : 'denied',
        accountId: decision.accountId,
        authTime: approved ? decision.authTime : null,
        acr: approved ? decision.acr : null,
        amr: approved ? decision.amr : null,
      });
      return result.changes === 1;
    },
    async poll(hash, now) {
      return poll.immediate(hash, now);
    },
    async slowDown(hash, seconds) {
      const row = q.slowDown.get(seconds, hash) as { poll_interval: number } | undefined;
      return row?.poll_interval ?? 0;
    },
    async consume(hash, now) {
      return q.consume.run(hash, now).changes === 1;
    },
  };
}
