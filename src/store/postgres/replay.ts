// PostgreSQL ReplayStore: single-use keys, checked and recorded in one upsert, so every node agrees.
import type pg from 'pg';
import type { ReplayStore } from '../ports/index.ts';

export function postgresReplay(pool: pg.Pool): ReplayStore {
  return {
    async recordOnce(key, expiresAt, now) {
      // ON CONFLICT locks the existing row and tests the WHERE on its latest version: of two nodes
      // recording one key at once, the second sees the first's row (or its renewal) and changes nothing.
      const result = await pool.query(
        'INSERT INTO replay_keys (key_hash, expires_at) VALUES ($1, $2) ON CONFLICT (key_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE replay_keys.expires_at <= $3',
        [key, expiresAt, now],
      );
      return result.rowCount === 1;
    },
  };
}
