// SQLite ThrottleStore: failed logins per hashed key, counted in one upsert.
import type Database from 'better-sqlite3';
import type { ThrottleStore } from '../ports/index.ts';
import type { Row } from './rows.ts';

export function createSqliteThrottle(db: Database.Database): ThrottleStore {
  const q = {
    failures: db.prepare(
      'SELECT failures, expires_at FROM login_failures WHERE key_hash = ? AND expires_at > ?',
    ),
    // A closed window starts over at 1; SET reads the row as it was, so both columns see the same test.
    record: db.prepare(
      'INSERT INTO login_failures (key_hash, failures, expires_at) VALUES (@key, 1, @expiresAt) ON CONFLICT (key_hash) DO UPDATE SET failures = CASE WHEN login_failures.expires_at <= @now THEN 1 ELSE login_failures.failures + 1 END, expires_at = CASE WHEN login_failures.expires_at <= @now THEN excluded.expires_at ELSE login_failures.expires_at END',
    ),
    clear: db.prepare('DELETE FROM login_failures WHERE key_hash = ?'),
  };
  return {
    async failures(key, now) {
      const row = q.failures.get(key, now) as Row | undefined;
      return row && { count: row['failures'] as number, expiresAt: row['expires_at'] as number };
    },
    async recordFailure(key, now, windowSeconds) {
      q.record.run({ key, now, expiresAt: now + windowSeconds });
    },
    async clear(key) {
      q.clear.run(key);
    },
  };
}
