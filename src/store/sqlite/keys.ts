// SQLite KeyStore: signing keys, their publication, activation and retirement.
import type Database from 'better-sqlite3';
import type { KeyStore } from '../ports/index.ts';
import { type Row, toKey } from './rows.ts';

export function createSqliteKeys(db: Database.Database): KeyStore {
  const q = {
    list: db.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid'),
    insertFirst: db.prepare(
      'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) SELECT @kid, @alg, @publicJwk, @privateKey, @certificate, @createdAt, @activatesAt, @retiredAt WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE alg = @alg AND retired_at IS NULL)',
    ),
    insert: db.prepare(
      'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) VALUES (@kid, @alg, @publicJwk, @privateKey, @certificate, @createdAt, @activatesAt, @retiredAt) ON CONFLICT (kid) DO NOTHING',
    ),
    retire: db.prepare('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL'),
    delete: db.prepare('DELETE FROM signing_keys WHERE kid = ?'),
  };
  return {
    async list() {
      return (q.list.all() as Row[]).map(toKey);
    },
    async insertFirst(key) {
      // One statement: SQLite runs writers one at a time, so the check and the insert cannot interleave.
      return q.insertFirst.run(key).changes === 1;
    },
    async insert(key) {
      q.insert.run(key);
    },
    async retire(kid, at) {
      q.retire.run(at, kid);
    },
    async delete(kid) {
      q.delete.run(kid);
    },
  };
}
