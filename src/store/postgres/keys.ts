// PostgreSQL KeyStore: signing keys (publication, activation, retirement) and data keys.
import type pg from 'pg';
import type { KeyStore } from '../ports/index.ts';
import { type Row, toKey } from './rows.ts';
import { transaction } from './tx.ts';

/** Advisory lock key that nodes creating the first signing keys queue on. */
const FIRST_KEY_LOCK = 7_465_737_365_004;

export function postgresKeys(pool: pg.Pool): KeyStore {
  return {
    async list() {
      // COLLATE "C" orders kids bytewise, as SQLite does, whatever the database's collation.
      const { rows } = await pool.query<Row>(
        'SELECT * FROM signing_keys ORDER BY created_at, kid COLLATE "C"',
      );
      return rows.map(toKey);
    },
    async insertFirst(k) {
      return transaction(pool, async (client) => {
        // Nodes starting together on an empty database queue here; the first inserts, the rest find its key.
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [FIRST_KEY_LOCK]);
        const result = await client.query(
          'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE alg = $2 AND retired_at IS NULL)',
          [k.kid, k.alg, k.publicJwk, k.privateKey, k.certificate, k.createdAt, k.activatesAt, k.retiredAt],
        );
        return result.rowCount === 1;
      });
    },
    async insert(k) {
      // Nodes starting together may insert the same key; the row already there is kept as it is.
      await pool.query(
        'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kid) DO NOTHING',
        [k.kid, k.alg, k.publicJwk, k.privateKey, k.certificate, k.createdAt, k.activatesAt, k.retiredAt],
      );
    },
    async retire(kid, at) {
      // Retiring twice keeps the first time, as the SQLite store does.
      await pool.query('UPDATE signing_keys SET retired_at = $1 WHERE kid = $2 AND retired_at IS NULL', [
        at,
        kid,
      ]);
    },
    async delete(kid) {
      await pool.query('DELETE FROM signing_keys WHERE kid = $1', [kid]);
    },
    async resealSigningKey(kid, from, to) {
      // One statement: the row changes only if no other rotation re-encrypted it first.
      const result = await pool.query(
        'UPDATE signing_keys SET private_key = $1 WHERE kid = $2 AND private_key = $3',
        [to, kid, from],
      );
      return result.rowCount === 1;
    },
    async dataKeys() {
      const { rows } = await pool.query<{ purpose: string; sealed: string; created_at: string }>(
        'SELECT purpose, sealed, created_at FROM data_keys ORDER BY purpose COLLATE "C"',
      );
      return rows.map((r) => ({ purpose: r.purpose, sealed: r.sealed, createdAt: Number(r.created_at) }));
    },
    async insertDataKey(key) {
      const result = await pool.query(
        'INSERT INTO data_keys (purpose, sealed, created_at) VALUES ($1, $2, $3) ON CONFLICT (purpose) DO NOTHING',
        [key.purpose, key.sealed, key.createdAt],
      );
      return result.rowCount === 1;
    },
    async resealDataKey(purpose, from, to) {
      const result = await pool.query('UPDATE data_keys SET sealed = $1 WHERE purpose = $2 AND sealed = $3', [
        to,
        purpose,
        from,
      ]);
      return result.rowCount === 1;
    },
  };
}
