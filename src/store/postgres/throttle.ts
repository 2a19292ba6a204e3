// PostgreSQL ThrottleStore: failed logins per hashed key, counted in one upsert.
import type pg from 'pg';
import type { ThrottleStore } from '../ports/index.ts';
import type { Row } from './rows.ts';

export function postgresThrottle(pool: pg.Pool): ThrottleStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
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
  };
}
