// SQLite ReplayStore: single-use keys, checked and recorded in one upsert, so every worker process agrees.
import type Database from 'better-sqlite3';
import type { ReplayStore } from '../ports/index.ts';

export function createSqliteReplay(db: Database.Database): ReplayStore {
  // A key still recorded leaves the row as it is (no change); an expired one is taken over with the new expiry.
  const record = db.prepare(
    'INSERT INTO replay_keys (key_hash, expires_at) VALUES (@key, @expiresAt) ON CONFLICT (key_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE replay_keys.expires_at <= @now',
  );
  return {
    async recordOnce(key, expiresAt, now) {
      return record.run({ key, expiresAt, now }).changes === 1;
    },
  };
}
