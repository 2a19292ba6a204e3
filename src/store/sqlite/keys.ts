// SQLite KeyStore: signing keys (publication, activation, retirement) and data keys.
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
    reseal: db.prepare('UPDATE signing_keys SET private_key = ? WHERE kid = ? AND private_key = ?'),
    dataKeys: db.prepare('SELECT purpose, sealed, created_at FROM data_keys ORDER BY purpose'),
    insertDataKey: db.prepare(
      'INSERT INTO data_keys (purpose, sealed, created_at) VALUES (?, ?, ?) ON CONFLICT (purpose) DO NOTHING',
    ),
    resealDataKey: db.prepare('UPDATE data_keys SET sealed = ? WHERE purpose = ? AND sealed = ?'),
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
    async resealSigningKey(kid, from, to) {
      return q.reseal.run(to, kid, from).changes === 1;
    },
    async dataKeys() {
      return (q.dataKeys.all() as { purpose: string; sealed: string; created_at: number }[]).map((r) => ({
        purpose: r.purpose,
        sealed: r.sealed,
        createdAt: r.created_at,
      }));
    },
    async insertDataKey(key) {
      return q.insertDataKey.run(key.purpose, key.sealed, key.createdAt).changes === 1;
    },
    async resealDataKey(purpose, from, to) {
      return q.resealDataKey.run(to, purpose, from).changes === 1;
    },
  };
}
