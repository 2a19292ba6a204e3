// Runs the storage contract, and the several-nodes cases only a shared database has, against real PostgreSQL.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { consumed } from '../../src/protocol/grants/code-replay.ts';
import { rotateRefresh } from '../../src/protocol/grants/refresh-rotation.ts';
import { ConflictError } from '../../src/store/ports/errors.ts';
import type { Store } from '../../src/store/ports/index.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { adminContract } from './admin-contract.ts';
import { account, code, pushedRequest, revision, seedTokens, snapshot, T0, token } from './cases/fixtures.ts';
import { storeContract } from './store-contract.ts';

const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];
const NODES = 6;

/** Each store gets a schema of its own, so cases start empty and test runs never see each other's rows. */
function schemas(base: string) {
  const admin = new pg.Pool({ connectionString: base, max: 1 });
  const live = new Set<string>();
  let serial = 0;
  after(async () => {
    for (const schema of live) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  return {
    admin,
    async create(): Promise<string> {
      const schema = `tessera_test_${process.pid}_${++serial}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      live.add(schema);
      return schema;
    },
    async drop(schema: string): Promise<void> {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      live.delete(schema);
    },
    urlFor(schema: string): string {
      const url = new URL(base);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.href;
    },
  };
}

function postgresSuites(base: string): void {
  const db = schemas(base);

  /** A store on a fresh schema of its own, which closing it drops. */
  const isolated = async (): Promise<Store> => {
    const schema = await db.create();
    const store = await openPostgresStore(db.urlFor(schema), { poolSize: 4 });
    return {
      ...store,
      async close() {
        await store.close();
        await db.drop(schema);
      },
    };
  };

  storeContract('postgres', isolated);
  adminContract('postgres', isolated);

  describe('postgres: several nodes on one database', () => {
    /** Opens `count` stores at once on one fresh schema, as nodes starting together would. */
    const nodes = async (count: number): Promise<{ schema: string; stores: Store[] }> => {
      const schema = await db.create();
      const url = db.urlFor(schema);
      const stores = await Promise.all(
        Array.from({ length: count }, () => openPostgresStore(url, { poolSize: 2 })),
      );
      return { schema, stores };
    };
    const closeAll = async (stores: Store[]) => {
      await Promise.all(stores.map((s) => s.close()));
    };

    test('nodes starting together apply each migration exactly once', async () => {
      const { schema, stores } = await nodes(NODES);
      try {
        const { rows } = await db.admin.query(
          `SELECT version, count(*)::int AS n FROM ${schema}.schema_migrations GROUP BY version`,
        );
        assert.ok(rows.length > 0);
        for (const row of rows) assert.equal(row.n, 1, `version ${row.version} recorded ${row.n} times`);
      } finally {
        await closeAll(stores);
      }
    });

    test('a code redeemed on every node at once succeeds on exactly one, and the losers revoke its tokens', async () => {
      const { stores } = await nodes(NODES);
      try {
        await stores[0]!.grants.saveCode(code());
        // Each node runs the protocol's replay rule over its own store, as a token endpoint would.
        const results = await Promise.all(
          stores.map(async (s, i) => {
            const now = T0 + 1;
            const result = await s.grants.consumeCode(code().hash, now, [token({ hash: `token-node-${i}` })]);
            return { result, refused: await consumed(result, now, s) };
          }),
        );
        const winners = results.flatMap((r, i) => (r.result.status === 'consumed' ? [i] : []));
        assert.equal(winners.length, 1, JSON.stringify(results.map((r) => r.result)));
        // A loser that comes after another loser's revocation finds the grant revoked: refused all the same.
        assert.ok(results.every((r) => ['consumed', 'used', 'revoked'].includes(r.result.status)));
        assert.ok(results.every((r, i) => (r.refused === undefined) === (i === winners[0])));
        const issued = await stores[1]!.grants.findToken(`token-node-${winners[0]}`);
        assert.equal(issued?.revoked, true, 'RFC 6749 §4.1.2: a replayed code revokes what it issued');
        for (let i = 0; i < NODES; i++) {
          if (i !== winners[0]) assert.equal(await stores[0]!.grants.findToken(`token-node-${i}`), undefined);
        }
      } finally {
        await closeAll(stores);
      }
    });

    test('a refresh token rotated on every node at once rotates exactly once; the rest fall in the grace period', async () => {
      const { stores } = await nodes(NODES);
      const refresh = (hash: string) => ({
        ...token({ hash, kind: 'refresh_token' }),
        familyExpiresAt: T0 + 3600,
        claims: null,
      });
      try {
        await seedTokens(stores[0]!.grants, [refresh('refresh-0')]);
        const results = await Promise.all(
          stores.map(async (s, i) => {
            const successors = [refresh(`refresh-node-${i}`)];
            const result = await s.grants.rotateRefreshToken('refresh-0', T0 + 1, successors);
            if (result.status !== 'already_rotated') return result.status;
            // Within the grace window the protocol issues the retry's successors from the live grant.
            const refused = await rotateRefresh('refresh-0', T0 + 1, 10, successors, s);
            return refused === undefined ? 'grace' : refused.code;
          }),
        );
        const statuses = results.sort();
        assert.deepEqual(statuses, ['rotated', ...Array<string>(NODES - 1).fill('grace')].sort());
        assert.equal((await stores[1]!.grants.findToken('refresh-0'))?.rotatedAt, T0 + 1);
        for (let i = 0; i < NODES; i++) {
          assert.equal((await stores[0]!.grants.findToken(`refresh-node-${i}`))?.revoked, false);
        }
      } finally {
        await closeAll(stores);
      }
    });

    test('commits on one parent from every node at once: one wins, the rest get ConflictError', async () => {
      const { stores } = await nodes(NODES);
      try {
        await stores[0]!.config.commit(revision(null));
        const results = await Promise.allSettled(
          stores.map((s, i) => s.config.commit(revision(1, { message: `from node ${i}` }))),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) {
          if (r.status === 'rejected') {
            assert.ok(r.reason instanceof ConflictError, String(r.reason));
            assert.equal(r.reason.current, 2);
          }
        }
        assert.equal(await stores[NODES - 1]!.config.currentId(), 2);
      } finally {
        await closeAll(stores);
      }
    });

    test('purgeExpired on every node at once: exactly one node wins the cleanup lease', async () => {
      const { stores } = await nodes(NODES);
      try {
        const results = await Promise.all(
          stores.map((s, i) => s.maintenance.purgeExpired(`node-${i}`, T0, 100)),
        );
        assert.equal(results.filter((r) => r !== null).length, 1, JSON.stringify(results));
      } finally {
        await closeAll(stores);
      }
    });

    test('one jti recorded on every node at once is first on exactly one node', async () => {
      const { stores } = await nodes(NODES);
      try {
        const results = await Promise.all(stores.map((s) => s.replay.recordOnce('jti-1', T0 + 60, T0)));
        assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
      } finally {
        await closeAll(stores);
      }
    });

    test('one pushed request taken on every node at once is taken by exactly one node', async () => {
      const { stores } = await nodes(NODES);
      try {
        await stores[0]!.pushedRequests.push(pushedRequest());
        const results = await Promise.all(stores.map((s) => s.pushedRequests.take('par-hash-1', T0 + 1)));
        assert.equal(results.filter((r) => r !== undefined).length, 1);
      } finally {
        await closeAll(stores);
      }
    });

    test('one reset link used on every node at once is used by exactly one node', async () => {
      const { stores } = await nodes(NODES);
      try {
        await stores[0]!.accounts.create(account());
        const link = {
          hash: 'link-hash-1',
          purpose: 'reset_password' as const,
          accountId: 'acct-johndoe',
          email: 'john@example.com',
          createdAt: T0,
          expiresAt: T0 + 900,
        };
        await stores[0]!.emailTokens.create(link);
        const results = await Promise.all(
          stores.map((s) => s.emailTokens.consume('link-hash-1', 'reset_password', T0 + 1)),
        );
        assert.equal(results.filter((r) => r !== undefined).length, 1, JSON.stringify(results));
      } finally {
        await closeAll(stores);
      }
    });

    test('createFirst on every node at once makes exactly one admin', async () => {
      const { stores } = await nodes(NODES);
      try {
        const results = await Promise.all(
          stores.map((s, i) =>
            s.admin.users.createFirst({ username: `admin-${i}`, passwordHash: 'x', createdAt: T0 }),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
        assert.equal((await stores[0]!.admin.users.list()).length, 1);
      } finally {
        await closeAll(stores);
      }
    });

    test('draft saves on one version from every node at once: one wins, the rest get ConflictError', async () => {
      const { stores } = await nodes(NODES);
      const draft = (base: number) => ({ owner: 'admin:a', base, snapshot: snapshot(), updatedAt: T0 });
      try {
        await stores[0]!.admin.drafts.save(draft(1), null);
        const results = await Promise.allSettled(stores.map((s, i) => s.admin.drafts.save(draft(i + 2), 1)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) {
          if (r.status === 'rejected') {
            assert.ok(r.reason instanceof ConflictError, String(r.reason));
            assert.equal(r.reason.current, 2);
          }
        }
      } finally {
        await closeAll(stores);
      }
    });

    test('epoch seconds past 2^32 come back as exact numbers, not BIGINT strings', async () => {
      const { stores } = await nodes(1);
      const later = 2 ** 40 + 1;
      try {
        await stores[0]!.grants.saveCode(code({ authTime: later, expiresAt: later + 60 }));
        const found = await stores[0]!.grants.findCode(code().hash);
        assert.equal(found?.authTime, later);
        assert.equal(found?.expiresAt, later + 60);
      } finally {
        await closeAll(stores);
      }
    });
  });
}

if (DATABASE_URL) {
  postgresSuites(DATABASE_URL);
} else {
  test('postgres store contract', {
    skip: 'set TESSERA_TEST_DATABASE_URL to run the PostgreSQL contract suite',
  }, () => {});
}
