// PostgreSQL PushedRequestStore: pushed authorization requests by hash, taken once in one conditional UPDATE.
import type pg from 'pg';
import type { PushedRequestStore } from '../ports/index.ts';
import { type Row, toPushedRequest } from './rows.ts';

export function postgresPushedRequests(pool: pg.Pool): PushedRequestStore {
  return {
    async push(request) {
      await pool.query(
        'INSERT INTO pushed_requests (hash, client_id, params, expires_at) VALUES ($1, $2, $3, $4)',
        [request.hash, request.clientId, JSON.stringify(request.params), request.expiresAt],
      );
    },
    async take(hash, now) {
      // A second take waits on the first one's row lock, then re-checks used_at on the row it committed.
      const { rows } = await pool.query<Row>(
        'UPDATE pushed_requests SET used_at = $2 WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING hash, client_id, params, expires_at',
        [hash, now],
      );
      return rows[0] && toPushedRequest(rows[0]);
    },
  };
}
