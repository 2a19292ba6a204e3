// PostgreSQL ConfigStore: immutable revisions; commits from every node queue on an advisory lock.
import type pg from 'pg';
import { ConflictError } from '../ports/errors.ts';
import type { ConfigStore } from '../ports/index.ts';
import { isUniqueViolation } from './errors.ts';
import { CONFIG_CHANNEL, listen } from './notify.ts';
import { type Row, toRevision, toRevisionMeta } from './rows.ts';
import { transaction } from './tx.ts';

/** Advisory lock key (arbitrary, fixed) that config commits queue on. */
const COMMIT_LOCK = 7_465_737_365_002;

type Queryable = Pick<pg.PoolClient, 'query'>;

async function currentRevisionId(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<Row>('SELECT max(id) AS id FROM config_revisions');
  return (rows[0]?.['id'] as number | null | undefined) ?? null;
}

export function postgresConfig(pool: pg.Pool, url: string): ConfigStore {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> =>
    (await pool.query<Row>(text, values)).rows[0];

  return {
    async current() {
      const row = await one('SELECT * FROM config_revisions ORDER BY id DESC LIMIT 1', []);
      return row && toRevision(row);
    },
    async currentId() {
      return currentRevisionId(pool);
    },
    async commit(revision) {
      try {
        return await transaction(pool, async (client) => {
          // Commits from every node queue on this lock, so the parent check sees each commit that won before.
          await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [COMMIT_LOCK]);
          const current = await currentRevisionId(client);
          if (revision.parent !== current) {
            throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
          }
          const id = (current ?? 0) + 1;
          await client.query(
            'INSERT INTO config_revisions (id, parent, author, message, created_at, snapshot) VALUES ($1, $2, $3, $4, $5, $6::json)',
            [
              id,
              revision.parent,
              revision.author,
              revision.message,
              revision.createdAt,
              JSON.stringify(revision.snapshot),
            ],
          );
          // Delivered to every listening node when (and only if) this transaction commits.
          await client.query('SELECT pg_notify($1, $2)', [CONFIG_CHANNEL, String(id)]);
          return { ...revision, id };
        });
      } catch (error) {
        // The primary key backs the lock up: a writer that bypassed it still cannot take the same id.
        if (!isUniqueViolation(error)) throw error;
        const current = await currentRevisionId(pool);
        throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
      }
    },
    watch(onChange) {
      return listen(url, onChange);
    },
    async list(limit) {
      const { rows } = await pool.query<Row>(
        'SELECT id, parent, author, message, created_at FROM config_revisions ORDER BY id DESC LIMIT $1',
        [limit],
      );
      return rows.map(toRevisionMeta);
    },
    async get(id) {
      const row = await one('SELECT * FROM config_revisions WHERE id = $1', [id]);
      return row && toRevision(row);
    },
  };
}
