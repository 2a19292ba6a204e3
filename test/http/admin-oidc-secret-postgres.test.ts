// On PostgreSQL as on SQLite: another provider's client secret given through the admin API is in no stored draft
// or revision row, only its sealed form, which the running server opens (the rows read with SQL, not the store).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createAdmin } from '../../src/admin/admins.ts';
import { createApiToken } from '../../src/admin/api-tokens.ts';
import { authnSecretBox } from '../../src/keys/sealed-authn.ts';
import type { Tessera } from '../../src/main.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { cryptoRandom } from '../../src/shared/random.ts';
import { ADMIN_PASSWORD } from '../fixtures/admin.ts';
import { startTessera } from '../fixtures/hostile-probes.ts';

const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];
const SECRET = 'upstream-Secret-on-PostgreSQL-5Tg7Yh9Uj2';
const skip = DATABASE_URL ? false : 'set TESSERA_TEST_DATABASE_URL to run this on PostgreSQL';

let running: Awaited<ReturnType<typeof startTessera>>;
let tessera: Tessera;
let token: string;

before(async () => {
  if (skip) return;
  running = await startTessera(DATABASE_URL);
  tessera = running.tessera;
  await createAdmin(tessera.store.admin.users, { username: 'alice', password: ADMIN_PASSWORD }, systemClock);
  token = (
    await createApiToken(
      { admin: tessera.store.admin, clock: systemClock, random: cryptoRandom },
      { name: 'pg', owner: 'alice' },
    )
  ).secret;
});
after(async () => {
  await running?.close();
});

const call = async (method: string, url: string, payload?: unknown) => {
  const res = await tessera.app.inject({
    method: method as 'POST',
    url: `/admin/api${url}`,
    headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { payload: JSON.stringify(payload) } : {}),
  });
  return { status: res.statusCode, body: res.body };
};

test('PostgreSQL: the stored draft and revision rows hold only the sealed secret, and it opens', {
  skip,
}, async () => {
  const created = await call('POST', '/authenticators', {
    id: 'acme',
    type: 'oidc',
    name: 'Acme',
    issuer: 'https://login.acme.example',
    client_id: 'tessera',
    client_secret: SECRET,
  });
  assert.equal(created.status, 201, created.body);
  assert.doesNotMatch(created.body, new RegExp(SECRET));
  // The schema of this server (startTessera names it after the process), read with plain SQL.
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const named = await pool.query(
      'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY oid DESC LIMIT 1',
      [`tessera_hostile_${process.pid}_%`],
    );
    const schema = named.rows[0]?.nspname as string;
    assert.ok(schema, 'the schema of this test server');
    const rows = async () =>
      (
        await pool.query(
          `SELECT snapshot::text AS s FROM ${schema}.admin_drafts UNION ALL SELECT snapshot::text FROM ${schema}.config_revisions`,
        )
      ).rows
        .map((r) => r.s as string)
        .join('\n');
    assert.doesNotMatch(await rows(), new RegExp(SECRET), 'the draft row');
    const commit = await call('POST', '/changes/commit', { message: 'add acme' });
    assert.equal(commit.status, 201, commit.body);
    const stored = await rows();
    assert.doesNotMatch(stored, new RegExp(SECRET), 'the revision row');
    const sealed = /"client_secret_sealed":\s*"([^"]+)"/.exec(stored)?.[1];
    assert.match(sealed ?? '', /^v1\./);
    const live = tessera.live().authenticators.get('acme');
    assert.equal(live?.type === 'oidc' && live.client_secret_sealed, sealed);
    // The same master key's data key opens it: what the runtime does before the token request.
    const dataKeys = await (await import('../../src/keys/data-keys.ts')).unlockKeys(
      tessera.store.keys,
      tessera.masterKey,
      systemClock.nowSeconds(),
    );
    assert.equal(authnSecretBox(dataKeys['secret-sealing']).open(sealed!), SECRET);
  } finally {
    await pool.end();
  }
});
