// SQLite PushedRequestStore: pushed authorization requests by hash, taken once in one conditional UPDATE.
import type Database from 'better-sqlite3';
import type { PushedRequestStore } from '../ports/index.ts';
import { type Row, toPushedRequest } from './rows.ts';

export function createSqlitePushedRequests(db: Database.Database): PushedRequestStore {
  const q = {
    push: db.prepare('INSERT INTO pushed_requests (hash, client_id, params, expires_at) VALUES (?, ?, ?, ?)'),
    // Checks unused and unexpired and marks used in one statement: of two takes, only one matches the row.
    take: db.prepare(
      'UPDATE pushed_requests SET used_at = @now WHERE hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING hash, client_id, params, expires_at',
    ),
  };
  return {
    async push(request) {
      q.push.run(request.hash, request.clientId, JSON.stringify(request.params), request.expiresAt);
    },
    async take(hash, now) {
      const row = q.take.get({ hash, now }) as Row | undefined;
      return row && toPushedRequest(row);
    },
  };
}
