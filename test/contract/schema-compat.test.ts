// Expand and contract on both engines alike: kinds recorded, newer additive schemas served, breaking ones
// refused at start and reported by readiness while running, never a 500 per request.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { StoreUnavailableError } from '../../src/store/ports/errors.ts';
import type { Store } from '../../src/store/ports/index.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { NODE_SCHEMA as PG_SCHEMA } from '../../src/store/postgres/migrate.ts';
import { IncompatibleSchemaError } from '../../src/store/schema-compat.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { NODE_SCHEMA as SQLITE_SCHEMA } from '../../src/store/sqlite/migrate.ts';

const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];

/** One engine as these cases need it: open a store, and run SQL on its database behind the store's back. */
interface Engine {
  nodeSchema: number;
  /** A new, empty database; `open` opens the store on it (migrating), `exec` runs SQL on it directly. */
  fresh(): Promise<{ open(): Promise<Store>; exec(sql: string): Promise<void>; kinds(): Promise<string[]> }>;
}

const INSERT = (version: number, name: string, kind: string, compatibleFrom: number | null = null) =>
  `INSERT INTO schema_migrations (version, name, applied_at, kind, compatible_from) VALUES (${version}, '${name}', 0, '${kind}', ${compatibleFrom ?? 'NULL'})`;

function cases(name: string, engine: Engine): void {
  const opened: Store[] = [];
  after(async () => {
    for (const store of opened) await store.close().catch(() => {});
  });
  const open = async (db: Awaited<ReturnType<Engine['fresh']>>) => {
    const store = await db.open();
    opened.push(store);
    return store;
  };

  describe(`schema compatibility: ${name}`, () => {
    test('every migration applied is recorded with its kind, and 001 to the latest are all additive', async () => {
      const db = await engine.fresh();
      await open(db);
      const kinds = await db.kinds();
      assert.equal(kinds.length, engine.nodeSchema);
      assert.deepEqual(new Set(kinds), new Set(['additive']));
    });

    test('a database from before kinds were recorded gets the column, its migrations counted additive', async () => {
      const db = await engine.fresh();
      await (await open(db)).close();
      await db.exec('ALTER TABLE schema_migrations DROP COLUMN kind');
      await db.exec('ALTER TABLE schema_migrations DROP COLUMN compatible_from');
      const store = await open(db);
      assert.deepEqual(new Set(await db.kinds()), new Set(['additive']));
      assert.equal((await store.maintenance.readiness()).schema.ok, true);
    });

    test('a newer schema whose later migrations are all additive: the node starts and is ready', async () => {
      const db = await engine.fresh();
      await (await open(db)).close();
      const n = engine.nodeSchema;
      await db.exec(INSERT(n + 1, `${n + 1}_more.sql`, 'additive'));
      await db.exec(INSERT(n + 2, `${n + 2}_even_more.sql`, 'additive'));
      const store = await open(db);
      assert.deepEqual((await store.maintenance.readiness()).schema, {
        ok: true,
        version: n + 2,
        nodeVersion: n,
      });
    });

    test('a newer schema with a breaking migration this node does not know: the store refuses to open, naming it', async () => {
      const db = await engine.fresh();
      await (await open(db)).close();
      const n = engine.nodeSchema;
      await db.exec(INSERT(n + 1, `${n + 1}_more.sql`, 'additive'));
      await db.exec(INSERT(n + 2, `${n + 2}_drop_old.sql`, 'breaking'));
      await assert.rejects(db.open(), (error: Error) => {
        assert.ok(error instanceof IncompatibleSchemaError, String(error));
        assert.equal(
          error.reason,
          `schema ${n + 2} has breaking migration ${n + 2} (${n + 2}_drop_old.sql) that this node (knows up to ${n}) cannot run with`,
        );
        return true;
      });
    });

    test('the contract step: a breaking migration compatible from the version of this node leaves it starting and ready', async () => {
      const db = await engine.fresh();
      await (await open(db)).close();
      const n = engine.nodeSchema;
      await db.exec(INSERT(n + 1, `${n + 1}_drop_old.sql`, 'breaking', n));
      const store = await open(db);
      assert.equal((await store.maintenance.readiness()).schema.ok, true);
    });

    test('a breaking migration applied while the node runs: readiness turns not ok with the reason, the database still ok', async () => {
      const db = await engine.fresh();
      const store = await open(db);
      const n = engine.nodeSchema;
      await db.exec(INSERT(n + 1, `${n + 1}_drop_old.sql`, 'breaking'));
      const { database, schema } = await store.maintenance.readiness();
      assert.deepEqual(database, { ok: true });
      assert.equal(schema.ok, false);
      assert.equal(schema.version, n + 1);
      assert.match(
        schema.reason ?? '',
        new RegExp(`breaking migration ${n + 1} \\(${n + 1}_drop_old\\.sql\\)`),
      );
    });

    test('a schema rolled back under a running node (an older backup restored): not ready, and the reason says older', async () => {
      const db = await engine.fresh();
      const store = await open(db);
      await db.exec(`DELETE FROM schema_migrations WHERE version = ${engine.nodeSchema}`);
      const { schema } = await store.maintenance.readiness();
      assert.equal(schema.ok, false);
      assert.match(schema.reason ?? '', /older than this node's/);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-schema-compat-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
cases('sqlite', {
  nodeSchema: SQLITE_SCHEMA,
  async fresh() {
    const file = join(dir, `db-${++files}.db`);
    const direct = <T>(work: (db: Database.Database) => T): T => {
      const db = new Database(file);
      try {
        return work(db);
      } finally {
        db.close();
      }
    };
    return {
      open: async () => openSqliteStore(file),
      exec: async (sql) => direct((db) => void db.exec(sql)),
      kinds: async () =>
        direct((db) =>
          (db.prepare('SELECT kind FROM schema_migrations ORDER BY version').all() as { kind: string }[]).map(
            (r) => r.kind,
          ),
        ),
    };
  },
});

if (DATABASE_URL) {
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const schemas: string[] = [];
  after(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  });
  let n = 0;
  const fresh = async () => {
    const schema = `tessera_compat_${process.pid}_${++n}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const exec = async (sql: string) => {
      await admin.query(`SET search_path = ${schema}; ${sql}`);
    };
    return {
      open: () => openPostgresStore(url.href, { poolSize: 2 }),
      exec,
      kinds: async () =>
        (
          await admin.query<{ kind: string }>(`SELECT kind FROM ${schema}.schema_migrations ORDER BY version`)
        ).rows.map((r) => r.kind),
    };
  };
  cases('postgres', { nodeSchema: PG_SCHEMA, fresh });

  describe('schema compatibility: postgres, a schema that no longer has what the node reads', () => {
    test('a query on a dropped column answers StoreUnavailableError (503), not a driver error (500)', async () => {
      const db = await fresh();
      const store = await db.open();
      try {
        await db.exec('ALTER TABLE tokens DROP COLUMN revoked_at');
        await assert.rejects(store.grants.revokeToken('any', 1), StoreUnavailableError);
      } finally {
        await store.close();
      }
    });

    test('schema_migrations gone: readiness says the schema does not match, and the database is still reachable', async () => {
      const db = await fresh();
      const store = await db.open();
      try {
        await db.exec('DROP TABLE schema_migrations');
        const { database, schema } = await store.maintenance.readiness();
        assert.deepEqual(database, { ok: true });
        assert.equal(schema.ok, false);
        assert.match(
          schema.reason ?? '',
          /does not match this node: relation "schema_migrations" does not exist/,
        );
      } finally {
        await store.close();
      }
    });
  });
} else {
  test('schema compatibility: postgres', { skip: 'TESSERA_TEST_DATABASE_URL is not set' }, () => {});
}
