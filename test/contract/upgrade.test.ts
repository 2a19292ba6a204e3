// Upgrades keep data: a database written by the version before grants had rows (schema 006) keeps
// working after the new code migrates it, on SQLite and PostgreSQL alike.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { codeReplayed } from '../../src/protocol/grants/code-replay.ts';
import type { Store } from '../../src/store/ports/index.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrate.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrate.ts';
import { T0, token } from './cases/fixtures.ts';

/** The last schema the version before this change shipped. */
const PREVIOUS = 6;
const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];

/** Rows as the previous version wrote them: column lists of schema 006, nothing of 007 or 008. */
const ROWS: [string, unknown[]][] = [
  [
    'INSERT INTO accounts (id, username, password_hash, claims, created_at) VALUES (?, ?, ?, ?, ?)',
    ['acct-1', 'johndoe', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', '{"email":"j@example.com"}', T0],
  ],
  [
    'INSERT INTO sessions (id_hash, account_id, authenticator, acr, auth_time, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ['session-1', 'acct-1', 'username-password', 'urn:acr', T0, T0 + 3600],
  ],
  [
    'INSERT INTO consents (account_id, client_id, scope, created_at) VALUES (?, ?, ?, ?)',
    ['acct-1', 'www', 'openid profile', T0],
  ],
  [
    'INSERT INTO codes (hash, grant_id, client_id, account_id, redirect_uri, scope, nonce, code_challenge, code_challenge_method, auth_time, acr, expires_at, claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      'code-old',
      'grant-code',
      'www',
      'acct-1',
      null,
      'openid',
      null,
      null,
      null,
      T0,
      'urn:acr',
      T0 + 60,
      null,
    ],
  ],
  ...['access_token', 'refresh_token'].map((kind): [string, unknown[]] => [
    'INSERT INTO tokens (hash, kind, grant_id, client_id, account_id, scope, auth_time, acr, issued_at, expires_at, family_expires_at, claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      `old-${kind}`,
      kind,
      'grant-tokens',
      'www',
      'acct-1',
      'openid',
      T0,
      'urn:acr',
      T0,
      T0 + 3600,
      kind === 'refresh_token' ? T0 + 86_400 : null,
      null,
    ],
  ]),
  [
    'INSERT INTO config_revisions (id, parent, author, message, created_at, snapshot) VALUES (?, ?, ?, ?, ?, ?)',
    [1, null, 'admin', 'before the upgrade', T0, '{"clients":[],"scopes":[],"authenticators":[]}'],
  ],
  [
    'INSERT INTO signing_keys (kid, alg, public_jwk, private_key, certificate, created_at, activates_at, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ['kid-old', 'RS256', '{"kty":"RSA"}', 'v1.iv.tag.body', 'MIIB', T0, T0, null],
  ],
];

/** What the new code must find and do with the previous version's rows. */
async function assertSurvives(store: Store): Promise<void> {
  const now = T0 + 10;
  assert.equal((await store.accounts.findByUsername('johndoe'))?.claims['email'], 'j@example.com');
  assert.equal((await store.sessions.find('session-1', now))?.accountId, 'acct-1');
  assert.equal((await store.consents.find('acct-1', 'www'))?.scope, 'openid profile');
  assert.equal((await store.config.current())?.message, 'before the upgrade');
  assert.deepEqual(
    (await store.keys.list()).map((k) => k.kid),
    ['kid-old'],
  );

  // A code issued before the upgrade: unbound to any session, and redeemable once.
  const code = await store.grants.findCode('code-old');
  assert.equal(code?.sessionHash, null);
  // Columns of 008 read null on older rows: no resource was named, nothing is DPoP-bound.
  assert.deepEqual([code?.resource, code?.jkt], [null, null]);
  const old = await store.grants.findToken('old-refresh_token');
  assert.deepEqual([old?.audience, old?.jkt], [null, null]);
  assert.deepEqual(
    await store.grants.consumeCode('code-old', now, [
      token({ hash: 'new-at', grantId: 'grant-code', clientId: 'www', accountId: 'acct-1' }),
    ]),
    {
      status: 'consumed',
    },
  );
  assert.deepEqual(await store.grants.consumeCode('code-old', now, []), {
    status: 'used',
    grantId: 'grant-code',
  });
  await codeReplayed('grant-code', now, store);
  assert.equal((await store.grants.findToken('new-at'))?.revoked, true, 'the replay revoked what it issued');

  // A refresh token issued before the upgrade rotates, and its grant can be revoked whole.
  const successor = token({
    hash: 'next-rt',
    kind: 'refresh_token',
    grantId: 'grant-tokens',
    clientId: 'www',
    accountId: 'acct-1',
    familyExpiresAt: T0 + 86_400,
  });
  assert.deepEqual(await store.grants.rotateRefreshToken('old-refresh_token', now, [successor]), {
    status: 'rotated',
  });
  await store.grants.revokeClientGrants('acct-1', 'www', now);
  for (const hash of ['old-access_token', 'old-refresh_token', 'next-rt']) {
    assert.equal((await store.grants.findToken(hash))?.revoked, true, `${hash} revoked with the consent`);
  }
  assert.deepEqual(await store.grants.issue('grant-tokens', null, now, [token({ hash: 'late' })]), {
    status: 'revoked',
  });
}

describe('upgrade from schema 006: SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-upgrade-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('rows written before grants had rows keep working after the migration to the current schema', async () => {
    const file = join(dir, 'tessera.db');
    const db = new Database(file);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const m of sqliteMigrations().filter((m) => m.version <= PREVIOUS)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, T0);
    }
    for (const [sql, values] of ROWS) db.prepare(sql).run(...values);
    db.close();

    const store = openSqliteStore(file);
    try {
      assert.equal((await store.maintenance.readiness()).schema.ok, true);
      await assertSurvives(store);
    } finally {
      await store.close();
    }
  });
});

describe('upgrade from schema 006: PostgreSQL', {
  skip: DATABASE_URL ? false : 'TESSERA_TEST_DATABASE_URL is not set',
}, () => {
  test('rows written before grants had rows keep working after the migration to the current schema', async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const schema = `tessera_upgrade_${process.pid}`;
    try {
      await admin.query(
        `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}`,
      );
      await admin.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      for (const m of postgresMigrations().filter((m) => m.version <= PREVIOUS)) {
        await admin.query(m.sql);
        await admin.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, T0]);
      }
      for (const [sql, values] of ROWS) {
        let n = 0;
        await admin.query(
          sql.replace(/\?/g, () => `$${++n}`),
          values,
        );
      }
      const url = new URL(DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const store = await openPostgresStore(url.href, { poolSize: 2 });
      try {
        assert.equal((await store.maintenance.readiness()).schema.ok, true);
        await assertSurvives(store);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
