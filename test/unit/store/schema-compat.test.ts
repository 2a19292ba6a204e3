// The expand/contract rule: a node serves on its own schema and on a newer one that only added to it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readMigrations } from '../../../src/store/migration-files.ts';
import { migrations as postgresMigrations } from '../../../src/store/postgres/migrate.ts';
import { assertStartable, IncompatibleSchemaError, schemaCompat } from '../../../src/store/schema-compat.ts';
import { migrations as sqliteMigrations } from '../../../src/store/sqlite/migrate.ts';

const upTo = (n: number, kind = 'additive') =>
  Array.from({ length: n }, (_, i) => ({
    version: i + 1,
    name: `${String(i + 1).padStart(3, '0')}_m.sql`,
    kind,
    compatibleFrom: null,
  }));
const breaking = (version: number, name: string, compatibleFrom: number | null = null) => ({
  version,
  name,
  kind: 'breaking',
  compatibleFrom,
});

describe('schemaCompat', () => {
  test('the schema the node was built for is compatible', () => {
    assert.deepEqual(schemaCompat(upTo(9), 9), { status: 'compatible', version: 9, nodeVersion: 9 });
  });

  test('a newer schema is compatible when every migration beyond the node is additive', () => {
    assert.deepEqual(schemaCompat(upTo(12), 9), { status: 'compatible', version: 12, nodeVersion: 9 });
  });

  test('breaking migrations the node already knows do not matter: it was built for them', () => {
    const recorded = [...upTo(4), breaking(5, '005_drop.sql'), ...upTo(9).slice(5)];
    assert.equal(schemaCompat(recorded, 9).status, 'compatible');
  });

  test('one breaking migration beyond the node makes it incompatible, and the reason names the first one', () => {
    const recorded = [...upTo(9), breaking(10, '010_drop_x.sql'), breaking(11, '011_drop_y.sql')];
    assert.deepEqual(schemaCompat(recorded, 9), {
      status: 'incompatible',
      version: 11,
      nodeVersion: 9,
      reason:
        'schema 11 has breaking migration 10 (010_drop_x.sql) that this node (knows up to 9) cannot run with',
    });
  });

  test('the contract step: a breaking migration compatible from the expand release leaves nodes of that release ready', () => {
    // 010 (the expand release) stopped using the old shape; 011 drops it.
    const recorded = [...upTo(10), breaking(11, '011_drop_old.sql', 10)];
    assert.equal(schemaCompat(recorded, 10).status, 'compatible');
    assert.equal(schemaCompat(recorded, 11).status, 'compatible');
    const older = schemaCompat(recorded, 9);
    assert.equal(
      older.status,
      'incompatible',
      'a node from before the expand release still uses the old shape',
    );
    assert.match(
      older.status === 'incompatible' ? older.reason : '',
      /breaking migration 11 \(011_drop_old\.sql\) that this node \(knows up to 9\) cannot run with \(it runs with nodes from 10 on\)$/,
    );
  });

  test('a kind this node has never heard of (from a later release) counts as breaking', () => {
    const recorded = [...upTo(9), { version: 10, name: '010_x.sql', kind: 'contract', compatibleFrom: 9 }];
    assert.equal(schemaCompat(recorded, 9).status, 'incompatible');
  });

  test('an older schema, or none, is behind: migrated at start, not ready while running', () => {
    assert.equal(schemaCompat(upTo(7), 9).status, 'behind');
    const none = schemaCompat([], 9);
    assert.equal(none.status, 'behind');
    assert.equal(none.version, null);
    assert.match(none.status === 'behind' ? none.reason : '', /older than this node's 9/);
  });

  test('assertStartable refuses only an incompatible schema; an older one is left to the migrations', () => {
    assert.doesNotThrow(() => assertStartable(upTo(3), 9));
    assert.doesNotThrow(() => assertStartable(upTo(10), 9));
    assert.throws(
      () => assertStartable([...upTo(9), breaking(10, '010_drop.sql')], 9),
      (error: Error) =>
        error instanceof IncompatibleSchemaError &&
        /^this node cannot run on this database: schema 10 has breaking migration 10 \(010_drop\.sql\)/.test(
          error.message,
        ),
    );
  });
});

describe('migration files', () => {
  test('every shipped migration of both engines declares a kind, and 001 to 008 are additive, the same on both', () => {
    const kinds = (list: { version: number; kind: string }[]) => list.map((m) => `${m.version}:${m.kind}`);
    assert.deepEqual(kinds(sqliteMigrations()), kinds(postgresMigrations()));
    for (const m of sqliteMigrations().filter((m) => m.version <= 8))
      assert.equal(m.kind, 'additive', m.name);
  });

  test('the header gives the kind and, for a contract step, the release it runs with; a file without one is refused by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-migrations-'));
    try {
      writeFileSync(join(dir, '001_a.sql'), '-- tessera: additive\nCREATE TABLE a (x INTEGER);\n');
      assert.deepEqual(
        readMigrations(dir).map((m) => [m.version, m.kind, m.compatibleFrom]),
        [[1, 'additive', null]],
      );
      writeFileSync(join(dir, '002_b.sql'), '-- Adds b.\nCREATE TABLE b (x INTEGER);\n');
      assert.throws(() => readMigrations(dir), /migration 002_b\.sql must start with "-- tessera: additive"/);
      writeFileSync(join(dir, '002_b.sql'), '-- tessera: sometimes\nCREATE TABLE b (x INTEGER);\n');
      assert.throws(() => readMigrations(dir), /002_b\.sql/);
      writeFileSync(
        join(dir, '002_b.sql'),
        '-- tessera: additive, compatible from 1\nCREATE TABLE b (x INTEGER);\n',
      );
      assert.throws(
        () => readMigrations(dir),
        /002_b\.sql: "compatible from" names an earlier migration, on a breaking one/,
      );
      writeFileSync(join(dir, '002_b.sql'), '-- tessera: breaking, compatible from 2\nDROP TABLE a;\n');
      assert.throws(() => readMigrations(dir), /002_b\.sql: "compatible from"/);
      writeFileSync(join(dir, '002_b.sql'), '-- tessera: breaking, compatible from 1\nDROP TABLE a;\n');
      assert.deepEqual(
        readMigrations(dir).map((m) => [m.version, m.kind, m.compatibleFrom]),
        [
          [1, 'additive', null],
          [2, 'breaking', 1],
        ],
      );
      writeFileSync(join(dir, '002_c.sql'), '-- tessera: additive\nCREATE TABLE c (x INTEGER);\n');
      assert.throws(() => readMigrations(dir), /two migrations have version 2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
